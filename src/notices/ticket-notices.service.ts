import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ComplaintTicketEntity } from '../complaints/complaint-ticket.entity';
import { ComplaintsService, type NoticeStatus } from '../complaints/complaints.service';
import { StaffDeskService, type StaffReplyResult } from '../conversation/staff-desk.service';
import { I18nService } from '../i18n/i18n.service';
import type { Language } from '../messaging/language';
import { OutboxService, type DeliveryOutcome } from '../outbox/outbox.service';
import { UnitsService } from '../units/units.service';

const TICKET_REF = 'ticket';

export type TicketNoticeKind = 'reply' | 'resolved' | 'rejected';

/**
 * Tells the citizen in his own channel when staff answer or close his complaint ticket, when the
 * platform's window allows: a staff reply as a staff message (Messenger HUMAN_AGENT up to 7 days
 * where the page may use it), a status change as a notice (Messenger UPDATE within 24 hours). The
 * ticket keeps how it went; the status look-up by code has the answer either way.
 */
@Injectable()
export class TicketNoticesService {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly desk: StaffDeskService,
    private readonly i18n: I18nService,
    private readonly units: UnitsService,
    outbox: OutboxService,
  ) {
    outbox.onOutcome(TICKET_REF, (manager, outcomes) => this.recordOutcomes(manager, outcomes));
  }

  async notify(
    ticket: ComplaintTicketEntity,
    kind: TicketNoticeKind,
    response: string | null,
    actor: string,
  ): Promise<StaffReplyResult> {
    const conversation = await this.desk.conversation(ticket.conversationId);
    const unit = this.units.get(ticket.unitId);
    if (!conversation || !unit) {
      await this.complaints.recordNotice(ticket.id, 'no_channel', actor);
      return {
        sent: false,
        window: { open: false, reason: 'no_channel', error: 'the conversation is gone' },
      };
    }
    const language: Language = conversation.language === 'en' ? 'en' : 'vi';
    const view = this.units.view(unit, language);
    const t = (key: string, params: Record<string, string> = {}) =>
      this.i18n.t(language, { key: `campaign:${key}`, params: { code: ticket.code, ...params } }, view);
    const paragraphs = [t(`ticket_${kind}`)];
    if (response) paragraphs.push(kind === 'reply' ? response : t('ticket_response', { response }));
    paragraphs.push(t('ticket_lookup'));
    const result = await this.desk.send(
      conversation,
      { text: paragraphs.join('\n\n'), language },
      {
        origin: kind === 'reply' ? 'staff' : 'notice',
        sourceRef: `${TICKET_REF}:${ticket.id}`,
        alongside: (manager) => this.complaints.recordNotice(ticket.id, 'queued', actor, manager),
      },
    );
    if (!result.sent) await this.complaints.recordNotice(ticket.id, 'window_closed', actor);
    return result;
  }

  private async recordOutcomes(manager: EntityManager, outcomes: DeliveryOutcome[]): Promise<void> {
    for (const outcome of outcomes) {
      const id = Number(outcome.sourceRef.slice(TICKET_REF.length + 1));
      const status: NoticeStatus =
        outcome.status === 'sent'
          ? 'sent'
          : outcome.status === 'window_closed'
            ? 'window_closed'
            : outcome.status === 'unreachable'
              ? 'unreachable'
              : 'failed';
      await this.complaints.recordNotice(id, status, 'channel', manager);
    }
  }
}
