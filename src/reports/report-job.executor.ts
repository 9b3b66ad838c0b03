import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { errorMessage } from '../common/errors';
import type { ReportJobFile, ReportJobPhase } from './report-job.entity';
import { ReportJobRepository } from './report-job.repository';
import { REPORT_FILES, ReportsService } from './reports.service';

export const CHUNK_BYTES = 1024 * 1024;

/** The job was taken from this process (its lease lapsed): stop without touching the row. */
export class JobLostError extends Error {
  override readonly name = 'JobLostError';
}

/**
 * Runs one claimed job in the report process (src/cli/report-job.ts): the period report into a
 * temporary folder, with the chain check made in the same read of the log, then the files into the
 * database. Every write names the owner, so an instance that lost the job cannot overwrite it.
 */
@Injectable()
export class ReportJobExecutor {
  constructor(
    private readonly jobs: ReportJobRepository,
    private readonly reports: ReportsService,
  ) {}

  async run(jobId: string, owner: string): Promise<void> {
    const job = await this.jobs.find(jobId);
    if (!job || job.status !== 'running' || job.owner !== owner)
      throw new JobLostError(`job ${jobId} is not ours`);
    const step = async (phase: ReportJobPhase, processed: number) => {
      if (!(await this.jobs.progress(jobId, owner, phase, processed, new Date())))
        throw new JobLostError(`job ${jobId} was taken over`);
    };
    const outDir = await mkdtemp(join(tmpdir(), 'outreach-report-'));
    try {
      await step('records', 0);
      let records = 0;
      const result = await this.reports.generate({
        unitId: job.unitId,
        period: job.period,
        language: job.language,
        outDir,
        onProgress: (n) => step('records', (records = n)),
      });
      await step('store', records);
      await this.jobs.clearChunks(jobId);
      const expected = new Map<string, string>([
        ...result.files.map((f) => [f.name, f.sha256] as const),
        ['manifest.json', result.manifestSha256],
      ]);
      const files: ReportJobFile[] = [];
      for (const name of [...REPORT_FILES, 'manifest.json']) {
        const file = await this.store(jobId, name, join(outDir, name));
        if (file.sha256 !== expected.get(name)) throw new Error(`${name} changed while it was stored`);
        files.push(file);
      }
      if (!(await this.jobs.complete(jobId, owner, files, result.verification, new Date())))
        throw new JobLostError(`job ${jobId} was taken over`);
    } catch (error) {
      if (!(error instanceof JobLostError))
        await this.jobs.fail(jobId, owner, errorMessage(error), new Date());
      throw error;
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }

  /** Copies a file into 1 MiB chunks, hashing what was stored. */
  private async store(jobId: string, name: string, path: string): Promise<ReportJobFile> {
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    for await (const piece of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      const buffer = piece as Buffer;
      hash.update(buffer);
      bytes += buffer.length;
      await this.jobs.addChunk(jobId, name, chunks++, buffer);
    }
    return { name, bytes, sha256: hash.digest('hex'), chunks };
  }
}
