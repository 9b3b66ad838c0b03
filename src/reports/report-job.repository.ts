import { Injectable } from '@nestjs/common';
import { In, QueryFailedError } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import type { ChainReport } from '../interactions/chain-verifier';
import { ReportJobEntity, type ReportJobFile, type ReportJobPhase } from './report-job.entity';

export type NewReportJob = Pick<
  ReportJobEntity,
  'id' | 'unitId' | 'period' | 'language' | 'requestedBy' | 'requestedById' | 'createdAt'
>;

/** After this many starts a job that keeps losing its instance is failed instead of run again. */
export const MAX_JOB_ATTEMPTS = 3;

/**
 * Report jobs and their files (chunks in report_file_chunk, read and written with raw SQL: a blob on
 * SQLite, bytea on PostgreSQL). Every state change is a conditional UPDATE, so that with several
 * instances exactly one runs a job and a stale owner cannot overwrite a job taken from it.
 */
@Injectable()
export class ReportJobRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Inserts a queued job; null when the unit already has one queued or running (unique index). */
  async insertQueued(job: NewReportJob): Promise<ReportJobEntity | null> {
    const row: ReportJobEntity = {
      ...job,
      status: 'queued',
      phase: 'queued',
      processed: 0,
      error: null,
      attempts: 0,
      owner: null,
      leaseUntil: null,
      startedAt: null,
      updatedAt: job.createdAt,
      finishedAt: null,
      files: null,
      verification: null,
    };
    try {
      await this.db.transaction((m) => m.insert(ReportJobEntity, row));
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  find(id: string): Promise<ReportJobEntity | null> {
    return this.db.manager.findOne(ReportJobEntity, { where: { id } });
  }

  active(unitId: string): Promise<ReportJobEntity | null> {
    return this.db.manager.findOne(ReportJobEntity, {
      where: { unitId, status: In(['queued', 'running']) },
    });
  }

  list(unitIds: string[], limit: number): Promise<ReportJobEntity[]> {
    if (!unitIds.length) return Promise.resolve([]);
    return this.db.manager.find(ReportJobEntity, {
      where: { unitId: In(unitIds) },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  /**
   * Jobs whose lease ran out (their instance died or hung): queued again, or failed after
   * MAX_JOB_ATTEMPTS starts. `everything` takes back every running job (SQLite: one instance).
   */
  async takeBackExpired(now: Date, everything: boolean, failure: string): Promise<number> {
    const lapsed = everything ? '' : ' AND "leaseUntil" < :now';
    // Every idle instance asks this each second: a read first, so that the common answer (nothing)
    // never takes SQLite's write queue from the webhooks and turns.
    const any = await this.db.manager
      .createQueryBuilder(ReportJobEntity, 'j')
      .select('j.id')
      .where(`j.status = 'running'${lapsed.replace('"leaseUntil"', 'j."leaseUntil"')}`, {
        now: now.getTime(),
      })
      .limit(1)
      .getRawOne<unknown>();
    if (!any) return 0;
    return this.db.transaction(async (m) => {
      const requeued = await m
        .createQueryBuilder()
        .update(ReportJobEntity)
        .set({ status: 'queued', phase: 'queued', owner: null, leaseUntil: null, updatedAt: now })
        .where(`status = 'running'${lapsed} AND attempts < :max`, {
          now: now.getTime(),
          max: MAX_JOB_ATTEMPTS,
        })
        .execute();
      const failed = await m
        .createQueryBuilder()
        .update(ReportJobEntity)
        .set({
          status: 'failed',
          phase: 'failed',
          owner: null,
          leaseUntil: null,
          error: failure,
          updatedAt: now,
          finishedAt: now,
        })
        .where(`status = 'running'${lapsed} AND attempts >= :max`, {
          now: now.getTime(),
          max: MAX_JOB_ATTEMPTS,
        })
        .execute();
      return (requeued.affected ?? 0) + (failed.affected ?? 0);
    });
  }

  /** Claims the oldest queued job for `owner`; null when there is none or another instance won it. */
  async claim(owner: string, now: Date, leaseMs: number): Promise<ReportJobEntity | null> {
    const next = await this.db.manager.findOne(ReportJobEntity, {
      where: { status: 'queued' },
      order: { createdAt: 'ASC' },
      select: { id: true },
    });
    if (!next) return null;
    const won = await this.db.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(ReportJobEntity)
        .set({
          status: 'running',
          phase: 'starting',
          owner,
          leaseUntil: new Date(now.getTime() + leaseMs),
          startedAt: now,
          updatedAt: now,
          processed: 0,
          attempts: () => '"attempts" + 1',
        })
        .where("id = :id AND status = 'queued'", { id: next.id })
        .execute();
      return (result.affected ?? 0) > 0;
    });
    return won ? this.find(next.id) : null;
  }

  /** Extends the lease; false when the job is no longer ours and running. */
  async renew(id: string, owner: string, until: Date): Promise<boolean> {
    return this.ownedUpdate(id, owner, { leaseUntil: until });
  }

  progress(id: string, owner: string, phase: ReportJobPhase, processed: number, at: Date): Promise<boolean> {
    return this.ownedUpdate(id, owner, { phase, processed, updatedAt: at });
  }

  complete(
    id: string,
    owner: string,
    files: ReportJobFile[],
    verification: ChainReport[],
    at: Date,
  ): Promise<boolean> {
    return this.ownedUpdate(id, owner, {
      status: 'done',
      phase: 'done',
      files,
      verification,
      owner: null,
      leaseUntil: null,
      updatedAt: at,
      finishedAt: at,
    });
  }

  fail(id: string, owner: string, error: string, at: Date): Promise<boolean> {
    return this.ownedUpdate(id, owner, {
      status: 'failed',
      phase: 'failed',
      error: error.slice(0, 2000),
      owner: null,
      leaseUntil: null,
      updatedAt: at,
      finishedAt: at,
    });
  }

  /** Back to the queue (this instance is stopping): another instance, or the next start, runs it. */
  release(id: string, owner: string, at: Date): Promise<boolean> {
    return this.ownedUpdate(id, owner, {
      status: 'queued',
      phase: 'queued',
      owner: null,
      leaseUntil: null,
      updatedAt: at,
    });
  }

  private async ownedUpdate(id: string, owner: string, set: Partial<ReportJobEntity>): Promise<boolean> {
    const result = await this.db.transaction((m) =>
      m
        .createQueryBuilder()
        .update(ReportJobEntity)
        .set(set as never)
        .where("id = :id AND owner = :owner AND status = 'running'", { id, owner })
        .execute(),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Drops what an earlier, interrupted attempt stored. */
  async clearChunks(jobId: string): Promise<void> {
    await this.db.transaction((m) =>
      m.query(`DELETE FROM "report_file_chunk" WHERE "jobId" = ${this.db.param(1)}`, [jobId]),
    );
  }

  async addChunk(jobId: string, name: string, idx: number, bytes: Buffer): Promise<void> {
    const p = (i: number) => this.db.param(i);
    await this.db.transaction((m) =>
      m.query(
        `INSERT INTO "report_file_chunk" ("jobId", "name", "idx", "bytes") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
        [jobId, name, idx, bytes],
      ),
    );
  }

  async chunk(jobId: string, name: string, idx: number): Promise<Buffer> {
    const p = (i: number) => this.db.param(i);
    const rows = await this.db.manager.query<{ bytes: Buffer }[]>(
      `SELECT "bytes" FROM "report_file_chunk" WHERE "jobId" = ${p(1)} AND "name" = ${p(2)} AND "idx" = ${p(3)}`,
      [jobId, name, idx],
    );
    if (!rows.length) throw new Error(`report file ${name} of job ${jobId}: chunk ${idx} is missing`);
    return rows[0].bytes;
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  // PostgreSQL's code; sqlite3 says SQLITE_CONSTRAINT, better-sqlite3 SQLITE_CONSTRAINT_UNIQUE.
  return (
    driver?.code === '23505' ||
    (!!driver?.code?.startsWith('SQLITE_CONSTRAINT') && /UNIQUE/.test(error.message))
  );
}
