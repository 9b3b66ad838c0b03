import type { MigrationInterface, QueryRunner } from 'typeorm';

// The roll-up of 1764320000000-web-chat-audience, copied: a shipped migration is never edited or imported.
const STAT_DIMENSIONS: Record<string, (row: string) => string> = {
  outcome: (r) => `${r}."outcome"`,
  intent: (r) => `${r}."intent"`,
  channel: (r) => `${r}."channel"`,
  language: (r) => `${r}."language"`,
  satisfaction: (r) => `COALESCE(${r}."satisfaction", '')`,
  planItems: (r) => `${r}."planItems"`,
};
const DAY_OF = (column: string) => `((${column} + 25200000) / 86400000)`;
const STATEMENTS = Object.entries(STAT_DIMENSIONS)
  .map(
    ([
      dimension,
      value,
    ]) => `INSERT INTO interaction_daily_stat ("unitId", "day", "dimension", "value", "count")
      VALUES (NEW."unitId", ${DAY_OF('NEW."occurredAt"')}, '${dimension}', ${value('NEW')}, 1)
      ON CONFLICT ("dimension", "unitId", "day", "value") DO UPDATE SET "count" = interaction_daily_stat."count" + 1`,
  )
  .join(';\n');

/**
 * Proactive outreach: campaigns and their recipients (one row per conversation of the audience, so
 * a restart neither sends twice nor skips anyone), outbox rows that name what wrote them (a
 * campaign recipient, a ticket notice), and interaction records of their own kind (a campaign
 * message sent) with a unique source key. The dashboard's daily roll-up counts turns only.
 */
export class Campaigns1764610000000 implements MigrationInterface {
  name = 'Campaigns1764610000000';

  async up(q: QueryRunner): Promise<void> {
    const id =
      q.connection.options.type === 'postgres'
        ? '"id" SERIAL PRIMARY KEY'
        : '"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL';
    await q.query(`CREATE TABLE "campaign" (
      ${id},
      "unitId" varchar(64) NOT NULL,
      "title" varchar(200) NOT NULL,
      "planItem" varchar(48) NOT NULL,
      "textVi" text,
      "textEn" text,
      "buttonUrl" varchar(500),
      "buttonTitleVi" varchar(20),
      "buttonTitleEn" varchar(20),
      "channels" varchar(64) NOT NULL DEFAULT '',
      "language" varchar(2),
      "topic" varchar(32),
      "status" varchar(12) NOT NULL,
      "contentVersion" varchar(16) NOT NULL,
      "source" varchar(8) NOT NULL,
      "createdBy" varchar(191) NOT NULL,
      "createdAt" bigint NOT NULL,
      "updatedAt" bigint NOT NULL,
      "approvedBy" varchar(191),
      "approvedAt" bigint,
      "scheduledAt" bigint,
      "startedAt" bigint,
      "finishedAt" bigint,
      "owner" varchar(64),
      "leaseUntil" bigint,
      "note" text
    )`);
    await q.query(`CREATE INDEX "ix_campaign_unit" ON "campaign" ("unitId", "createdAt")`);
    await q.query(`CREATE INDEX "ix_campaign_status" ON "campaign" ("status", "scheduledAt")`);
    await q.query(`CREATE TABLE "campaign_recipient" (
      ${id},
      "campaignId" integer NOT NULL,
      "unitId" varchar(64) NOT NULL,
      "conversationId" varchar(36) NOT NULL,
      "channel" varchar(16) NOT NULL,
      "recipientId" varchar(128) NOT NULL,
      "language" varchar(2) NOT NULL,
      "state" varchar(16) NOT NULL,
      "route" varchar(16),
      "outboxId" integer,
      "reason" text,
      "updatedAt" bigint NOT NULL,
      "sentAt" bigint
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_campaign_recipient" ON "campaign_recipient" ("campaignId", "conversationId")`,
    );
    await q.query(
      `CREATE INDEX "ix_campaign_recipient_state" ON "campaign_recipient" ("campaignId", "state")`,
    );
    await q.query(
      `CREATE INDEX "ix_campaign_recipient_sent" ON "campaign_recipient" ("unitId", "route", "sentAt")`,
    );
    await q.query(`ALTER TABLE "outbox_message" ADD COLUMN "sourceRef" varchar(64) NULL`);
    await q.query(`ALTER TABLE "interaction_record" ADD COLUMN "kind" varchar(12) NULL`);
    await q.query(`ALTER TABLE "interaction_record" ADD COLUMN "sourceKey" varchar(64) NULL`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_interaction_source" ON "interaction_record" ("sourceKey") WHERE "sourceKey" IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "complaint_ticket" ADD COLUMN "noticeStatus" varchar(16) NULL`);
    await q.query(`ALTER TABLE "complaint_ticket" ADD COLUMN "noticeAt" bigint NULL`);
    await this.rollUp(q, true);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.rollUp(q, false);
    await q.query(`ALTER TABLE "complaint_ticket" DROP COLUMN "noticeAt"`);
    await q.query(`ALTER TABLE "complaint_ticket" DROP COLUMN "noticeStatus"`);
    await q.query(`DROP INDEX "uq_interaction_source"`);
    await q.query(`ALTER TABLE "interaction_record" DROP COLUMN "sourceKey"`);
    await q.query(`ALTER TABLE "interaction_record" DROP COLUMN "kind"`);
    await q.query(`ALTER TABLE "outbox_message" DROP COLUMN "sourceRef"`);
    await q.query('DROP TABLE "campaign_recipient"');
    await q.query('DROP TABLE "campaign"');
  }

  /** Playground turns and records that are not turns (campaign messages) stay out of the daily roll-up. */
  private async rollUp(q: QueryRunner, turnsOnly: boolean): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      const skip = turnsOnly
        ? `IF NEW."audience" = 'playground' OR NEW."kind" IS NOT NULL THEN RETURN NEW; END IF;`
        : `IF NEW."audience" = 'playground' THEN RETURN NEW; END IF;`;
      await q.query(`CREATE OR REPLACE FUNCTION interaction_daily_stat_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN ${skip} ${STATEMENTS}; RETURN NEW; END $$`);
    } else {
      const when = turnsOnly
        ? `WHEN (NEW."audience" IS NULL OR NEW."audience" <> 'playground') AND NEW."kind" IS NULL`
        : `WHEN NEW."audience" IS NULL OR NEW."audience" <> 'playground'`;
      await q.query('DROP TRIGGER IF EXISTS interaction_daily_stat_add');
      await q.query(
        `CREATE TRIGGER interaction_daily_stat_add AFTER INSERT ON interaction_record ${when} BEGIN ${STATEMENTS}; END`,
      );
    }
  }
}
