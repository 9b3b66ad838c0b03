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

  /** Received = created in [from, to); handled = reached resolved/rejected in [from, to). */
  async counts(unitIds: string[], from: Date, to: Date): Promise<{ received: number; handled: number }> {
    const repo = this.db.manager.getRepository(ComplaintTicketEntity);
    const received = await repo
      .createQueryBuilder('t')
      .where('t.unitId IN (:...unitIds) AND t.createdAt >= :from AND t.createdAt < :to', {
        unitIds,
        from: from.getTime(),
        to: to.getTime(),
      })
      .getCount();
    const handled = await repo
      .createQueryBuilder('t')
      .where('t.unitId IN (:...unitIds) AND t.handledAt >= :from AND t.handledAt < :to', {
        unitIds,
        from: from.getTime(),
        to: to.getTime(),
      })
      .andWhere('t.status IN (:...done)', { done: ['resolved', 'rejected'] })
      .getCount();
    return { received, handled };
  }
}
