import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../../database/database.service';
import { ZaloTokenEntity } from './zalo-token.entity';

@Injectable()
export class ZaloTokenRepository {
  constructor(private readonly db: DatabaseService) {}

  find(oaId: string): Promise<ZaloTokenEntity | null> {
    return this.db.manager.findOne(ZaloTokenEntity, { where: { oaId } });
  }

  async insertIfMissing(row: ZaloTokenEntity): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.createQueryBuilder().insert().into(ZaloTokenEntity).values(row).orIgnore().execute();
    });
  }

  /** Runs `work` with the row locked (PostgreSQL: FOR UPDATE, held across instances). */
  withLock<T>(
    oaId: string,
    work: (row: ZaloTokenEntity | null, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.db.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(ZaloTokenEntity)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where('t.oaId = :oaId', { oaId })
        .getOne();
      return work(row, manager);
    });
  }

  /** Writes a new pair only if nobody else did since `version` was read. */
  async replace(
    manager: EntityManager | null,
    oaId: string,
    version: number,
    changes: Pick<ZaloTokenEntity, 'accessToken' | 'refreshToken' | 'expiresAt' | 'updatedAt'>,
  ): Promise<boolean> {
    const run = async (m: EntityManager) => {
      const result = await m
        .createQueryBuilder()
        .update(ZaloTokenEntity)
        .set({ ...changes, version: version + 1, lastError: null })
        .where('"oaId" = :oaId AND version = :version', { oaId, version })
        .execute();
      return (result.affected ?? 0) > 0;
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  async recordError(oaId: string, error: string): Promise<void> {
    await this.db.transaction((m) =>
      m.update(ZaloTokenEntity, { oaId }, { lastError: error.slice(0, 1000) }),
    );
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.db.kind;
  }
}
