import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { ConversationEntity } from './conversation.entity';
import { StaffRequestEntity } from './staff-request.entity';

export class ConcurrentTurnError extends Error {
  override readonly name = 'ConcurrentTurnError';
}

@Injectable()
export class ConversationRepository {
  constructor(private readonly db: DatabaseService) {}

  findByUser(unitId: string, channel: string, userId: string): Promise<ConversationEntity | null> {
    return this.db.manager.findOne(ConversationEntity, { where: { unitId, channel, userId } });
  }

  findById(id: string): Promise<ConversationEntity | null> {
    return this.db.manager.findOne(ConversationEntity, { where: { id } });
  }

  /**
   * Saves the conversation only if no other turn (nor a staff hand-off change) changed it since it
   * was read (turnCount is the version): two instances can never interleave two turns of one
   * conversation, and a turn never writes back a hand-off state staff just changed.
   */
  async saveTurn(
    manager: EntityManager,
    conversation: ConversationEntity,
    readTurnCount: number | null,
  ): Promise<void> {
    if (readTurnCount === null) {
      await manager.insert(ConversationEntity, conversation);
      return;
    }
    const { id, ...changes } = conversation;
    const result = await manager
      .createQueryBuilder()
      .update(ConversationEntity)
      .set(changes)
      .where('id = :id AND "turnCount" = :readTurnCount', { id, readTurnCount })
      .execute();
    if (!result.affected) throw new ConcurrentTurnError(`conversation ${id} changed during the turn`);
  }

  addStaffRequest(
    manager: EntityManager,
    request: Omit<StaffRequestEntity, 'id' | 'closedAt' | 'closedBy' | 'note' | 'status'>,
  ): Promise<StaffRequestEntity> {
    return manager.save(manager.create(StaffRequestEntity, { ...request, status: 'open' }));
  }
}
