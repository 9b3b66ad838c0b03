import { Injectable } from '@nestjs/common';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import { redact } from '../nlu/entity-recognizer';
import { localParts } from '../units/office-hours';
import type { ComplaintTicketEntity, TicketStatus } from './complaint-ticket.entity';
import { ComplaintRepository, type ReportTicket, type TicketFilter } from './complaint.repository';
import { formatTicketCode } from './ticket-code';
import type { TicketEventEntity } from './ticket-event.entity';

/** How the last notice to the citizen went; 'queued' until the channel says. */
export type NoticeStatus = 'queued' | 'sent' | 'window_closed' | 'failed' | 'unreachable' | 'no_channel';

export const TICKET_STATUSES: TicketStatus[] = ['received', 'in_progress', 'resolved', 'rejected'];
const HANDLED: TicketStatus[] = ['resolved', 'rejected'];

interface NewComplaint {
  unitId: string;
  conversationId: string;
  channel: string;
  language: 'vi' | 'en';
  description: string;
  location: string | null;
  occurredWhen: string | null;
  /** A phone number or e-mail the citizen chose to give for a reply; null when declined. */
  contact: string | null;
  /** Whether the citizen accepted the privacy notice: otherwise the texts are kept redacted. */
  consented: boolean;
  /**
   * The turn filing it (opaque, stable across re-runs of the turn): the same key gets the same
   * ticket back, so a retried turn neither files a second complaint nor shows another code.
   */
  sourceKey?: string | null;
}

/** What a citizen may learn from a code: never the complaint's text or the contact. */
interface TicketStatusView {
  code: string;
  unitId: string;
  status: TicketStatus;
  response: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Complaint tickets: codes, statuses, staff responses. Stored per unit, looked up by code from anywhere. */
@Injectable()
export class ComplaintsService {
  private readonly box: SecretBox;

  constructor(
    private readonly repository: ComplaintRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.box = new SecretBox(config.serverSecret('USER_KEY_SECRET'), 'contact-v1');
  }

  /** Seals a value a flow must keep between turns (a draft complaint's text). */
  seal(text: string): string {
    return this.box.encrypt(text);
  }

  unseal(sealed: string): string {
    return this.box.decrypt(sealed);
  }

  /** Files a ticket, or returns the one already filed under the same source key. */
  async create(input: NewComplaint): Promise<ComplaintTicketEntity> {
    const keep = (text: string | null) => (text === null ? null : input.consented ? text : redact(text));
    const sourceKey = input.sourceKey ?? null;
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      const year = Number(localParts(now).date.slice(0, 4));
      try {
        return await this.db.transaction(async (manager) => {
          const filed = sourceKey ? await this.repository.findBySourceKey(sourceKey, manager) : null;
          if (filed) return filed;
          const code = formatTicketCode(year, (await this.repository.lastSequence(manager, year)) + 1);
          const ticket = await this.repository.insert(manager, {
            code,
            unitId: input.unitId,
            conversationId: input.conversationId,
            channel: input.channel,
            language: input.language,
            status: 'received',
            description: keep(input.description) ?? '',
            location: keep(input.location),
            occurredWhen: keep(input.occurredWhen),
            contact: input.contact ? this.box.encrypt(input.contact) : null,
            contactConsent: input.contact !== null,
            response: null,
            createdAt: now,
            updatedAt: now,
            handledAt: null,
            sourceKey,
            noticeStatus: null,
            noticeAt: null,
          });
          await this.repository.addEvent(manager, {
            ticketId: ticket.id,
            at: now,
            actor: 'citizen',
            kind: 'created',
            fromStatus: null,
            toStatus: 'received',
            note: null,
          });
          return ticket;
        });
      } catch (error) {
        if (!(error instanceof QueryFailedError)) throw error;
        // The same turn ran twice at once (two instances): the unique key let one file the ticket.
        const filed = sourceKey ? await this.repository.findBySourceKey(sourceKey) : null;
        if (filed) return filed;
        // Two instances took the same number: take the next one.
        if (attempt < 5) continue;
        throw error;
      }
    }
  }

  findByCode(code: string): Promise<ComplaintTicketEntity | null> {
    return this.repository.findByCode(code.toUpperCase());
  }

  findById(id: number): Promise<ComplaintTicketEntity | null> {
    return this.repository.findById(id);
  }

  async statusOf(code: string): Promise<TicketStatusView | null> {
    const t = await this.findByCode(code);
    return t
      ? {
          code: t.code,
          unitId: t.unitId,
          status: t.status,
          response: t.response,
          createdAt: t.createdAt,
          updatedAt: t.updatedAt,
        }
      : null;
  }

  /** For staff only: the contact the citizen left, decrypted. */
  contactOf(ticket: ComplaintTicketEntity): string | null {
    return ticket.contact ? this.box.decrypt(ticket.contact) : null;
  }

  async changeStatus(
    id: number,
    status: TicketStatus,
    note: string | null,
    actor: string,
  ): Promise<ComplaintTicketEntity> {
    const ticket = await this.mustFind(id);
    const now = this.clock.now();
    await this.db.transaction(async (manager) => {
      await this.repository.update(manager, id, {
        status,
        updatedAt: now,
        handledAt: HANDLED.includes(status) ? (ticket.handledAt ?? now) : null,
      });
      await this.repository.addEvent(manager, {
        ticketId: id,
        at: now,
        actor,
        kind: 'status',
        fromStatus: ticket.status,
        toStatus: status,
        note,
      });
    });
    return this.mustFind(id);
  }

  /** The unit's answer to the citizen: shown on a status look-up (and sent through the channel by the console). */
  async respond(id: number, response: string, actor: string): Promise<ComplaintTicketEntity> {
    await this.mustFind(id);
    const now = this.clock.now();
    await this.db.transaction(async (manager) => {
      await this.repository.update(manager, id, { response, updatedAt: now });
      await this.repository.addEvent(manager, {
        ticketId: id,
        at: now,
        actor,
        kind: 'reply',
        fromStatus: null,
        toStatus: null,
        note: response,
      });
    });
    return this.mustFind(id);
  }

  /**
   * Where the citizen's notice of a ticket stands (queued, sent, window_closed, failed, unreachable,
   * no_channel), with a 'notice' event in its history; inside the caller's transaction when given.
   */
  async recordNotice(
    id: number,
    status: NoticeStatus,
    actor: string,
    manager?: EntityManager,
  ): Promise<void> {
    const now = this.clock.now();
    const write = async (m: EntityManager) => {
      await this.repository.update(m, id, { noticeStatus: status, noticeAt: now });
      await this.repository.addEvent(m, {
        ticketId: id,
        at: now,
        actor,
        kind: 'notice',
        fromStatus: null,
        toStatus: null,
        note: status,
      });
    };
    if (manager) await write(manager);
    else await this.db.transaction(write);
  }

  listForUnits(unitIds: string[], filter: TicketFilter = {}): Promise<ComplaintTicketEntity[]> {
    return unitIds.length ? this.repository.list(unitIds, filter) : Promise.resolve([]);
  }

  byConversations(conversationIds: string[]): Promise<ComplaintTicketEntity[]> {
    return this.repository.byConversation(conversationIds);
  }

  events(ticketId: number): Promise<TicketEventEntity[]> {
    return this.repository.events(ticketId);
  }

  /** Tickets received in [from, to) with whether each was handled before `to` (reports). */
  forReport(unitIds: string[], from: Date, to: Date): Promise<ReportTicket[]> {
    return this.repository.forReport(unitIds, from, to);
  }

  /** Notices sent to citizens about their tickets in [from, to), per unit (the ticket events say so). */
  noticesSent(unitIds: string[], from: Date, to: Date): Promise<{ unitId: string; count: number }[]> {
    return this.repository.noticesSent(unitIds, from, to);
  }

  private async mustFind(id: number): Promise<ComplaintTicketEntity> {
    const ticket = await this.repository.findById(id);
    if (!ticket) throw new Error(`no complaint ticket ${id}`);
    return ticket;
  }
}
