import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { GENESIS_HASH } from './hash-chain';
import { InteractionChainEntity } from './interaction-chain.entity';
import { InteractionRecordEntity } from './interaction-record.entity';

/** The only writer of interaction_record: inserts, never updates or deletes. */
@Injectable()
export class InteractionRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Locks and returns the unit's chain head inside the caller's transaction. */
  async lockHead(manager: EntityManager, unitId: string): Promise<{ seq: number; hash: string }> {
    const select = `SELECT "seq", "hash" FROM "interaction_chain" WHERE "unitId" = $1${this.db.forUpdate}`;
    const sql = this.db.kind === 'sqlite' ? select.replace('$1', '?') : select;
    let rows = await manager.query<{ seq: string | number; hash: string }[]>(sql, [unitId]);
    if (!rows.length) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(InteractionChainEntity)
        .values({ unitId, seq: 0, hash: GENESIS_HASH })
        .orIgnore()
        .execute();
      rows = await manager.query<{ seq: string | number; hash: string }[]>(sql, [unitId]);
    }
    return { seq: Number(rows[0].seq), hash: rows[0].hash };
  }

  async append(
    manager: EntityManager,
    record: Omit<InteractionRecordEntity, 'id'>,
  ): Promise<InteractionRecordEntity> {
    const saved = await manager
      .getRepository(InteractionRecordEntity)
      .save(manager.create(InteractionRecordEntity, record));
    await manager.update(
      InteractionChainEntity,
      { unitId: record.unitId },
      { seq: record.seq, hash: record.hash },
    );
    return saved;
  }

  /** Records of one unit in chain order, in pages (for verification and exports). */
  async page(unitId: string, afterSeq: number, limit: number): Promise<InteractionRecordEntity[]> {
    return this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .where('r.unitId = :unitId AND r.seq > :afterSeq', { unitId, afterSeq })
      .orderBy('r.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  async byConversation(conversationId: string): Promise<InteractionRecordEntity[]> {
    return this.db.manager.getRepository(InteractionRecordEntity).find({
      where: { conversationId },
      order: { seq: 'ASC' },
    });
  }

  async byInboxEvent(inboxEventId: number): Promise<InteractionRecordEntity | null> {
    return this.db.manager.getRepository(InteractionRecordEntity).findOne({ where: { inboxEventId } });
  }

  async head(unitId: string): Promise<{ seq: number; hash: string } | null> {
    const row = await this.db.manager.getRepository(InteractionChainEntity).findOne({ where: { unitId } });
    return row ? { seq: row.seq, hash: row.hash } : null;
  }
}
