import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { ConsoleAuditEntity } from './console-audit.entity';
import { ConsoleSessionEntity } from './console-session.entity';
import { ConsoleUserEntity } from './console-user.entity';
import { LoginAttemptEntity } from './login-attempt.entity';
import { TrainingExampleEntity } from './training-example.entity';
import { TrainingVersionEntity } from './training-version.entity';

/** The console's own tables. */
@Injectable()
export class ConsoleRepository {
  constructor(private readonly db: DatabaseService) {}

  userByEmail(email: string): Promise<ConsoleUserEntity | null> {
    return this.db.manager.findOne(ConsoleUserEntity, { where: { email } });
  }

  userById(id: number): Promise<ConsoleUserEntity | null> {
    return this.db.manager.findOne(ConsoleUserEntity, { where: { id } });
  }

  users(): Promise<ConsoleUserEntity[]> {
    return this.db.manager.find(ConsoleUserEntity, { order: { email: 'ASC' } });
  }

  async saveUser(user: Omit<ConsoleUserEntity, 'id'> & { id?: number }): Promise<ConsoleUserEntity> {
    return this.db.transaction((m) => m.save(m.create(ConsoleUserEntity, user)));
  }

  async addSession(session: ConsoleSessionEntity): Promise<void> {
    await this.db.transaction((m) => m.insert(ConsoleSessionEntity, session));
  }

  session(tokenHash: string): Promise<ConsoleSessionEntity | null> {
    return this.db.manager.findOne(ConsoleSessionEntity, { where: { tokenHash } });
  }

  async touchSession(tokenHash: string, at: Date): Promise<void> {
    await this.db.transaction((m) => m.update(ConsoleSessionEntity, { tokenHash }, { lastSeenAt: at }));
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.transaction((m) => m.delete(ConsoleSessionEntity, { tokenHash }));
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    // Explicit epoch ms: find operators do not pass through the column transformer.
    await this.db.transaction((m) =>
      m
        .createQueryBuilder()
        .delete()
        .from(ConsoleSessionEntity)
        .where('"expiresAt" < :now', { now: now.getTime() })
        .execute(),
    );
  }

  async addAttempt(keys: string[], at: Date, success: boolean): Promise<void> {
    await this.db.transaction((m) =>
      m.insert(
        LoginAttemptEntity,
        keys.map((key) => ({ key, at, success })),
      ),
    );
  }

  /** Deletes login attempts older than `cutoff`, `batch` rows per transaction; returns the count. */
  purgeAttempts(cutoff: Date, batch = 1000): Promise<number> {
    const p = (i: number) => this.db.param(i);
    return this.db.deleteInBatches(
      `SELECT "id" FROM "console_login_attempt" WHERE "at" < ${p(1)} ORDER BY "id" LIMIT ${p(2)}`,
      [cutoff.getTime()],
      (manager, ids) => manager.delete(LoginAttemptEntity, { id: In(ids) }),
      batch,
    );
  }

  /** Failures since the last success of a key, within the window. */
  async recentFailures(key: string, since: Date): Promise<Date[]> {
    const rows = await this.db.manager
      .getRepository(LoginAttemptEntity)
      .createQueryBuilder('a')
      .where('a.key = :key AND a.at >= :since', { key, since: since.getTime() })
      .orderBy('a.id', 'DESC')
      .limit(100)
      .getMany();
    const failures: Date[] = [];
    for (const row of rows) {
      if (row.success) break;
      failures.push(row.at);
    }
    return failures;
  }

  async audit(entry: Omit<ConsoleAuditEntity, 'id'>): Promise<void> {
    await this.db.transaction((m) => m.insert(ConsoleAuditEntity, entry));
  }

  /** Newest first; null unitIds = every unit (and entries without a unit). */
  auditPage(unitIds: string[] | null, beforeId: number | null, limit: number): Promise<ConsoleAuditEntity[]> {
    const qb = this.db.manager
      .getRepository(ConsoleAuditEntity)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .limit(limit);
    if (unitIds) qb.where('a.unitId IN (:...unitIds)', { unitIds: unitIds.length ? unitIds : [''] });
    if (beforeId) qb.andWhere('a.id < :beforeId', { beforeId });
    return qb.getMany();
  }

  /** Adds an example and bumps the training version in one transaction: every instance then retrains. */
  async addTrainingExample(
    example: Omit<TrainingExampleEntity, 'id'>,
  ): Promise<{ example: TrainingExampleEntity; version: number }> {
    return this.db.transaction(async (m) => {
      const saved = await m.save(m.create(TrainingExampleEntity, example));
      return { example: saved, version: await bumpTrainingVersion(m) };
    });
  }

  /** Removes an example (null if it was gone already) and bumps the training version with it. */
  async removeTrainingExample(
    id: number,
  ): Promise<{ example: TrainingExampleEntity; version: number } | null> {
    return this.db.transaction(async (m) => {
      const example = await m.findOne(TrainingExampleEntity, { where: { id } });
      if (!example) return null;
      const { affected } = await m.delete(TrainingExampleEntity, { id });
      // Two staff removing the same row at once: only the one who deleted it bumps and audits.
      if (affected === 0) return null;
      return { example, version: await bumpTrainingVersion(m) };
    });
  }

  trainingExample(id: number): Promise<TrainingExampleEntity | null> {
    return this.db.manager.findOne(TrainingExampleEntity, { where: { id } });
  }

  /** The cheap check every instance runs every TRAINING_SYNC_MS. */
  async trainingVersion(): Promise<number> {
    const row = await this.db.manager.findOne(TrainingVersionEntity, { where: { id: 1 } });
    return row?.version ?? 0;
  }

  trainingExamples(unitIds?: string[]): Promise<TrainingExampleEntity[]> {
    return this.db.manager.find(TrainingExampleEntity, {
      where: unitIds ? { unitId: In(unitIds) } : {},
      order: { id: 'ASC' },
    });
  }
}

async function bumpTrainingVersion(m: EntityManager): Promise<number> {
  await m.increment(TrainingVersionEntity, { id: 1 }, 'version', 1);
  return (await m.findOneOrFail(TrainingVersionEntity, { where: { id: 1 } })).version;
}
