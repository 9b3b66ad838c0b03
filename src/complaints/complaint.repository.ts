import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { ComplaintTicketEntity, type TicketStatus } from './complaint-ticket.entity';
import { TicketEventEntity } from './ticket-event.entity';

export interface TicketFilter {
  statuses?: TicketStatus[];
  /** Keyset pagination: tickets with a smaller id than this (newest first). */
  beforeId?: number;
  limit?: number;
}

@Injectable()
export class ComplaintRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The highest sequence number used this year, across units (codes are unique everywhere). */
  async lastSequence(manager: EntityManager, year: number): Promise<number> {
    const row = await manager
      .getRepository(ComplaintTicketEntity)
      .createQueryBuilder('t')
      .select('MAX(t.code)', 'code')
      .where('t.code LIKE :prefix', { prefix: `PA-${year}-%` })
      .getRawOne<{ code: string | null }>();
    return row?.code ? Number(row.code.slice(-6)) : 0;
  }

  async insert(
    manager: EntityManager,
    ticket: Omit<ComplaintTicketEntity, 'id'>,
  ): Promise<ComplaintTicketEntity> {
    return manager.save(manager.create(ComplaintTicketEntity, ticket));
  }

  addEvent(manager: EntityManager, event: Omit<TicketEventEntity, 'id'>): Promise<TicketEventEntity> {
    return manager.save(manager.create(TicketEventEntity, event));
  }

  update(manager: EntityManager, id: number, changes: Partial<ComplaintTicketEntity>): Promise<unknown> {
    return manager.update(ComplaintTicketEntity, { id }, changes);
  }

  findByCode(code: string): Promise<ComplaintTicketEntity | null> {
    return this.db.manager.findOne(ComplaintTicketEntity, { where: { code } });
  }

  /** Outside a transaction it reads committed rows only: what a concurrent turn has filed. */
  findBySourceKey(
    sourceKey: string,
    manager: EntityManager = this.db.manager,
  ): Promise<ComplaintTicketEntity | null> {
    return manager.findOne(ComplaintTicketEntity, { where: { sourceKey } });
  }

  findById(id: number): Promise<ComplaintTicketEntity | null> {
    return this.db.manager.findOne(ComplaintTicketEntity, { where: { id } });
  }

  events(ticketId: number): Promise<TicketEventEntity[]> {
    return this.db.manager.find(TicketEventEntity, { where: { ticketId }, order: { id: 'ASC' } });
  }

  list(unitIds: string[], filter: TicketFilter): Promise<ComplaintTicketEntity[]> {
    const qb = this.db.manager
      .getRepository(ComplaintTicketEntity)
      .createQueryBuilder('t')
      .where('t.unitId IN (:...unitIds)', { unitIds })
      .orderBy('t.id', 'DESC')
      .limit(Math.min(filter.limit ?? 50, 200));
    if (filter.statuses?.length) qb.andWhere('t.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.beforeId) qb.andWhere('t.id < :beforeId', { beforeId: filter.beforeId });
    return qb.getMany();
  }

  byConversation(conversationIds: string[]): Promise<ComplaintTicketEntity[]> {
    if (!conversationIds.length) return Promise.resolve([]);
    return this.db.manager.find(ComplaintTicketEntity, {
      where: { conversationId: In(conversationIds) },
      order: { id: 'DESC' },
    });
  }

  /** Notice events that say 'sent' with their time in [from, to), per unit of their ticket. */
  async noticesSent(unitIds: string[], from: Date, to: Date): Promise<NoticeCount[]> {
    if (!unitIds.length) return [];
    const rows = await this.db.manager
      .getRepository(TicketEventEntity)
      .createQueryBuilder('e')
      .innerJoin(ComplaintTicketEntity, 't', 't.id = e.ticketId')
      .select('t.unitId', 'unitId')
      .addSelect('COUNT(*)', 'count')
      .where(`e.kind = 'notice' AND e.note = 'sent' AND e.at >= :from AND e.at < :to`, {
        from: from.getTime(),
        to: to.getTime(),
      })
      .andWhere('t.unitId IN (:...unitIds)', { unitIds })
      .groupBy('t.unitId')
      .orderBy('t.unitId', 'ASC')
      .getRawMany<{ unitId: string; count: number | string }>();
    return rows.map((r) => ({ unitId: r.unitId, count: Number(r.count) }));
  }

  /** Received = created in [from, to); handled = reached resolved/rejected in [from, to). */
  /** Tickets created in [from, to) for a report: no description, no contact. */
  async forReport(unitIds: string[], from: Date, to: Date): Promise<ReportTicket[]> {
    if (!unitIds.length) return [];
    const rows = await this.db.manager
      .getRepository(ComplaintTicketEntity)
      .createQueryBuilder('t')
      .select(['t.id', 't.code', 't.unitId', 't.channel', 't.status', 't.createdAt', 't.handledAt'])
      .where('t.unitId IN (:...unitIds) AND t.createdAt >= :from AND t.createdAt < :to', {
        unitIds,
        from: from.getTime(),
        to: to.getTime(),
      })
      .orderBy('t.createdAt', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .getMany();
    return rows.map((t) => ({
      code: t.code,
      unitId: t.unitId,
      channel: t.channel,
      status: t.status,
      createdAt: t.createdAt,
      handledAt: t.handledAt,
      // Handled within the period: a ticket closed after the period ended counts in the next report.
      handledInPeriod:
        (t.status === 'resolved' || t.status === 'rejected') && !!t.handledAt && t.handledAt < to,
    }));
  }
}

export interface NoticeCount {
  unitId: string;
  count: number;
}

export interface ReportTicket {
  code: string;
  unitId: string;
  channel: string;
  status: TicketStatus;
  createdAt: Date;
  handledAt: Date | null;
  handledInPeriod: boolean;
}
