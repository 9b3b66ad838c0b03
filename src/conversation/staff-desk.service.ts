import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import type { EntityManager } from 'typeorm';
import type { ReplyWindow } from '../messaging/channel-sender';
import type { OutboundMessage } from '../messaging/outbound-message';
import type { OutboxMessageEntity } from '../outbox/outbox-message.entity';
import { OutboxService } from '../outbox/outbox.service';
import type { ConversationEntity } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';
import type { StaffRequestEntity } from './staff-request.entity';
import { StaffDeskRepository } from './staff-desk.repository';

interface WaitingItem {
  conversation: ConversationEntity;
  /** Open requests of this conversation (hand-off, callback, data deletion), oldest first. */
  requests: StaffRequestEntity[];
  handedOff: boolean;
}

export type StaffReplyResult = { sent: true; outboxId: number } | { sent: false; window: ReplyWindow };

/**
 * What staff do to a conversation outside a turn: answer it through its channel, release it back to
 * the bot. A staff message goes through the outbox like a bot reply; it is never an interaction record.
 */
@Injectable()
export class StaffDeskService {
  private readonly contacts: SecretBox;

  constructor(
    private readonly repository: StaffDeskRepository,
    private readonly conversations: ConversationRepository,
    private readonly outbox: OutboxService,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.contacts = new SecretBox(config.serverSecret('USER_KEY_SECRET'), 'contact-v1');
  }

  async waiting(unitIds: string[], limit = 200): Promise<WaitingItem[]> {
    const now = this.clock.now();
    const requests = await this.repository.openRequests(unitIds, limit);
    const held = await this.repository.handedOff(unitIds, now, limit);
    const ids = [...new Set([...requests.map((r) => r.conversationId), ...held.map((c) => c.id)])];
    const byId = new Map((await this.repository.conversations(ids)).map((c) => [c.id, c]));
    return ids.flatMap((id) => {
      const conversation = byId.get(id);
      if (!conversation) return [];
      return [
        {
          conversation,
          requests: requests.filter((r) => r.conversationId === id),
          handedOff: !!conversation.handoffUntil && conversation.handoffUntil.getTime() > now.getTime(),
        },
      ];
    });
  }

  conversation(id: string): Promise<ConversationEntity | null> {
    return this.conversations.findById(id);
  }

  /** The contact a citizen left with a request (callback number), for staff. */
  contactOf(request: StaffRequestEntity): string | null {
    return request.contact ? this.contacts.decrypt(request.contact) : null;
  }

  replyWindow(conversation: ConversationEntity, origin: 'staff' | 'notice' = 'staff'): ReplyWindow {
    return this.outbox.replyWindow(conversation.channel, {
      unitId: conversation.unitId,
      userMessageAt: conversation.lastUserMessageAt,
      origin,
    });
  }

  /**
   * Sends a staff message unless the platform's window is closed (then nothing is queued and the
   * reason is returned). keepHandoff: a reply from the hand-off desk keeps the bot silent.
   */
  reply(conversation: ConversationEntity, text: string, keepHandoff: boolean): Promise<StaffReplyResult> {
    return this.send(conversation, { text }, { origin: 'staff', keepHandoff });
  }

  /**
   * A message written outside a turn (staff reply, ticket notice), unless the platform's window for
   * its origin is closed. `alongside` runs in the transaction that queues it (the ticket's notice state).
   */
  async send(
    conversation: ConversationEntity,
    message: OutboundMessage,
    options: {
      origin: 'staff' | 'notice';
      keepHandoff?: boolean;
      sourceRef?: string;
      alongside?: (manager: EntityManager) => Promise<void>;
    },
  ): Promise<StaffReplyResult> {
    const keepHandoff = options.keepHandoff ?? false;
    const window = this.replyWindow(conversation, options.origin);
    if (!window.open) return { sent: false, window };
    const now = this.clock.now();
    const [row] = await this.db.transaction(async (manager) => {
      await options.alongside?.(manager);
      if (keepHandoff) {
        const until = new Date(now.getTime() + this.config.env.HANDOFF_HOURS * 3600_000);
        if (!conversation.handoffUntil || conversation.handoffUntil < until)
          await this.repository.setHandoff(
            manager,
            conversation.id,
            until,
            conversation.handoffAt ? null : now,
          );
      }
      return this.outbox.enqueue(manager, [
        {
          unitId: conversation.unitId,
          channel: conversation.channel,
          conversationId: conversation.id,
          recipientId: conversation.userId,
          inboxEventId: null,
          userMessageAt: conversation.lastUserMessageAt,
          position: 0,
          origin: options.origin,
          message,
          sourceRef: options.sourceRef ?? null,
        },
      ]);
    });
    this.outbox.notify([conversation.channel]);
    return { sent: true, outboxId: row.id };
  }

  /** Back to the bot: the hand-off ends and the conversation's open hand-off / callback requests close. */
  async release(conversation: ConversationEntity, actor: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (manager) => {
      await this.repository.setHandoff(manager, conversation.id, null, null);
      await this.repository.closeRequests(manager, conversation.id, ['handoff', 'callback'], now, actor);
    });
  }

  /** Messages written by staff in a conversation, with their delivery status. */
  staffMessages(conversationId: string): Promise<OutboxMessageEntity[]> {
    return this.outbox.staffMessages(conversationId);
  }
}
