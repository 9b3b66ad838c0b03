import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { Language } from '../messaging/language';
import type { ReportJobEntity, ReportJobFile } from './report-job.entity';
import { ReportJobRepository } from './report-job.repository';
import { ReportJobRunner } from './report-job.runner';

export type ReportJobRequest = {
  unitId: string;
  period: string;
  language: Language;
  requestedBy: { id: number | null; email: string };
};

/** What the console does with report jobs: ask for one, follow it, stream its files. */
@Injectable()
export class ReportJobsService {
  constructor(
    private readonly jobs: ReportJobRepository,
    private readonly runner: ReportJobRunner,
    private readonly clock: Clock,
  ) {}

  /** Queues a job, or returns the unit's job already queued or running (`created: false`). */
  async request(request: ReportJobRequest): Promise<{ job: ReportJobEntity; created: boolean }> {
    // Twice: the job that blocked the insert may have ended before we looked it up.
    for (let attempt = 0; attempt < 2; attempt++) {
      const job = await this.jobs.insertQueued({
        id: randomUUID(),
        unitId: request.unitId,
        period: request.period,
        language: request.language,
        requestedBy: request.requestedBy.email.slice(0, 191),
        requestedById: request.requestedBy.id,
        createdAt: this.clock.now(),
      });
      if (job) {
        this.runner.wake();
        return { job, created: true };
      }
      const active = await this.jobs.active(request.unitId);
      if (active) return { job: active, created: false };
    }
    throw new Error(`could not queue a report for ${request.unitId}`);
  }

  find(id: string): Promise<ReportJobEntity | null> {
    return this.jobs.find(id);
  }

  list(unitIds: string[], limit = 50): Promise<ReportJobEntity[]> {
    return this.jobs.list(unitIds, limit);
  }

  /** The file chunk by chunk: one chunk in memory at a time, read only as the reply drains. */
  open(job: ReportJobEntity, file: ReportJobFile): Readable {
    const jobs = this.jobs;
    return Readable.from(
      (async function* () {
        for (let i = 0; i < file.chunks; i++) yield await jobs.chunk(job.id, file.name, i);
      })(),
      { objectMode: false },
    );
  }
}
