import { ConversationEntity } from '../../src/conversation/conversation.entity';
import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import type { TestApp } from './test-app';

/** Subscribes a conversation to the unit's news (to `topics`, or to everything) as the intent does. */
export async function subscribe(t: TestApp, conversationId: string, topics: string[] = []): Promise<void> {
  const c = await t.db.manager.findOneByOrFail(ConversationEntity, { id: conversationId });
  await t.db.transaction((manager) =>
    t.app.get(SubscriptionsService).subscribe(manager, c, topics, 'test consent', 'quick_reply', new Date()),
  );
}
