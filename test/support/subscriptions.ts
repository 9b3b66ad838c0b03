import { ConversationEntity } from '../../src/conversation/conversation.entity';
import type { TestApp } from './test-app';

/**
 * Subscribes a conversation to the unit's news as the subscription intent would, by writing its
 * row (the campaign audience reads only conversationId, status and topics).
 */
export async function subscribe(t: TestApp, conversationId: string, topics = ''): Promise<void> {
  const c = await t.db.manager.findOneByOrFail(ConversationEntity, { id: conversationId });
  const now = Date.now();
  const mark = (i: number) => (t.databaseKind === 'postgres' ? `$${i}` : '?');
  const values = [
    c.unitId,
    c.channel,
    c.id,
    c.userId,
    c.userKey,
    c.language,
    'subscribed',
    topics,
    now,
    'test consent',
    'quick_reply',
    now,
    now,
  ];
  await t.db.manager.query(
    `INSERT INTO "subscription" ("unitId", "channel", "conversationId", "userId", "userKey", "language",
      "status", "topics", "consentAt", "consentWording", "consentSource", "createdAt", "updatedAt")
     VALUES (${values.map((_, i) => mark(i + 1)).join(', ')})`,
    values,
  );
}

/**
 * Until the subscriptions branch is merged the schema has no subscription table: tests that need
 * one create the columns the audience query reads (and subscribe() writes). A no-op once it exists.
 */
export async function ensureSubscriptionTable(t: TestApp): Promise<void> {
  const id =
    t.databaseKind === 'postgres' ? '"id" SERIAL PRIMARY KEY' : '"id" INTEGER PRIMARY KEY AUTOINCREMENT';
  await t.db.manager.query(`CREATE TABLE IF NOT EXISTS "subscription" (${id},
    "unitId" varchar(64) NOT NULL, "channel" varchar(16) NOT NULL, "conversationId" varchar(36) NOT NULL UNIQUE,
    "userId" varchar(128) NOT NULL, "userKey" varchar(64) NOT NULL, "language" varchar(2) NOT NULL,
    "status" varchar(16) NOT NULL, "topics" varchar(255) NOT NULL DEFAULT '', "consentAt" bigint NOT NULL,
    "consentWording" text NOT NULL, "consentSource" varchar(16) NOT NULL, "unsubscribedAt" bigint,
    "createdAt" bigint NOT NULL, "updatedAt" bigint NOT NULL)`);
}
