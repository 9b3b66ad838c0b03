import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { ConversationEntity } from './conversation.entity';
import { StaffRequestEntity } from './staff-request.entity';

@Injectable()
export class StaffDeskRepository {
  constructor(private readonly db: DatabaseService) {}

  openRequests(unitIds: string[], limit: number): Promise<StaffRequestEntity[]> {
    if (!unitIds.length) return Promise.resolve([]);
    return this.db.manager
      .getRepository(StaffRequestEntity)
      .createQueryBuilder('s')
      .where('s.unitId IN (:...unitIds) AND s.status = :status', { unitIds, status: 'open' })
      .orderBy('s.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Conversations a person holds now (hand-off running), for those without an open request. */
  handedOff(unitIds: string[], now: Date, limit: number): Promise<ConversationEntity[]> {
    if (!unitIds.length) return Promise.resolve([]);
    return this.db.manager
      .getRepository(ConversationEntity)
      .createQueryBuilder('c')
      .where('c.unitId IN (:...unitIds) AND c.handoffUntil > :now', { unitIds, now: now.getTime() })
      .orderBy('c.handoffUntil', 'ASC')
      .limit(limit)
      .getMany();
  }

  conversations(ids: string[]): Promise<ConversationEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.manager
      .getRepository(ConversationEntity)
      .createQueryBuilder('c')
      .where('c.id IN (:...ids)', { ids })
      .getMany();
  }

  /**
   * Bumps turnCount, the conversation's version: a turn that read the conversation before this
   * change then fails its save and is taken again (ConversationEngine), instead of writing the old
   * hand-off state back over what staff just set.
   */
  setHandoff(manager: EntityManager, id: string, until: Date | null, at: Date | null): Promise<unknown> {
    return manager
      .createQueryBuilder()
      .update(ConversationEntity)
      .set({
        handoffUntil: until,
        ...(at ? { handoffAt: at } : {}),
        turnCount: () => '"turnCount" + 1',
      })
      .where('id = :id', { id })
      .execute();
  }

  closeRequests(
    manager: EntityManager,
    conversationId: string,
    kinds: string[],
    closedAt: Date,
    closedBy: string,
  ): Promise<unknown> {
    return manager
      .createQueryBuilder()
      .update(StaffRequestEntity)
      .set({ status: 'closed', closedAt, closedBy })
      .where('"conversationId" = :conversationId AND status = :open AND kind IN (:...kinds)', {
        conversationId,
        open: 'open',
        kinds,
      })
      .execute();
  }
}
