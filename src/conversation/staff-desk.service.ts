import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import type { ReplyWindow } from '../messaging/channel-sender';
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

  replyWindow(conversation: ConversationEntity): ReplyWindow {
    return this.outbox.replyWindow(conversation.channel, {
      unitId: conversation.unitId,
      userMessageAt: conversation.lastUserMessageAt,
      origin: 'staff',
    });
  }

  /**
   * Sends a staff message unless the platform's window is closed (then nothing is queued and the
   * reason is returned). keepHandoff: a reply from the hand-off desk keeps the bot silent.
   */
  async reply(
    conversation: ConversationEntity,
    text: string,
    keepHandoff: boolean,
  ): Promise<StaffReplyResult> {
    const window = this.replyWindow(conversation);
    if (!window.open) return { sent: false, window };
    const now = this.clock.now();
    const [row] = await this.db.transaction(async (manager) => {
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
          origin: 'staff',
          message: { text },
        },
      ]);
    });
    this.outbox.notify();
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
