import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import { DatabaseService } from '../database/database.service';
import type { ReportJobEntity } from './report-job.entity';
import { ReportJobRepository } from './report-job.repository';

/** The compiled report process (src/cli/report-job.ts); `npm start` and `npm run build` produce it. */
export const REPORT_JOB_ENTRY = fromRoot('dist', 'src', 'cli', 'report-job.js');
export const LEASE_MS = 60_000;
const POLL_MS = 1000;
const INTERRUPTED = 'interrupted: the instance running it stopped several times';

/**
 * Takes queued report jobs and runs each in a child process (node --max-old-space-size=320, like
 * `npm run report`), so that a report over a million records never blocks this process's event
 * loop: webhooks, turns and pages go on meanwhile. One job at a time per instance. This process
 * keeps the job's lease alive while its child runs; a job whose instance died is taken back by
 * any instance once the lease lapses.
 */
@Injectable()
export class ReportJobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReportJobRunner.name);
  private readonly owner = `${process.pid}-${randomUUID()}`;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private current?: { job: ReportJobEntity; child: ChildProcess; exited: Promise<void>; renewedAt: number };

  constructor(
    private readonly jobs: ReportJobRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // SQLite serves one instance: whatever is still running was left by our own previous life.
    const back = await this.jobs.takeBackExpired(this.clock.now(), this.db.kind === 'sqlite', INTERRUPTED);
    if (back) this.logger.warn({ msg: 'report jobs taken back after a restart', count: back });
    this.stopped = false;
    this.schedule(0);
  }

  /** A job was queued: look now rather than at the next poll. */
  wake(): void {
    if (!this.stopped && !this.ticking) this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    const current = this.current;
    if (current) {
      current.child.kill('SIGTERM');
      await current.exited;
      await this.jobs.release(current.job.id, this.owner, this.clock.now()).catch(() => false);
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: unknown) => {
          if (!this.stopped) this.logger.error({ msg: 'report job poll failed', error: errorMessage(error) });
        })
        .finally(() => {
          this.ticking = undefined;
          if (!this.stopped) this.schedule(POLL_MS);
        });
    }, ms);
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    if (this.current) {
      // A quarter of the lease between renewals: a few writes per minute, and room for a slow one.
      if (Date.now() - this.current.renewedAt < LEASE_MS / 4) return;
      this.current.renewedAt = Date.now();
      if (!(await this.jobs.renew(this.current.job.id, this.owner, new Date(now.getTime() + LEASE_MS))))
        this.current.child.kill('SIGTERM');
      return;
    }
    const back = await this.jobs.takeBackExpired(now, false, INTERRUPTED);
    if (back) this.logger.warn({ msg: 'report jobs taken back from a stopped instance', count: back });
    const job = await this.jobs.claim(this.owner, now, LEASE_MS);
    if (job) this.start(job);
  }

  private start(job: ReportJobEntity): void {
    if (!existsSync(REPORT_JOB_ENTRY)) {
      void this.jobs.fail(
        job.id,
        this.owner,
        `the report process is not built (${REPORT_JOB_ENTRY}): run npm run build`,
        this.clock.now(),
      );
      return;
    }
    // The IPC channel closes when this process dies: the child then stops (see report-job.ts).
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=320', REPORT_JOB_ENTRY, '--job', job.id, '--owner', this.owner],
      { cwd: fromRoot(), env: process.env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<void>((resolve) => {
      child.on('error', (error) => {
        stderr += errorMessage(error);
      });
      child.on('close', (code, signal) => {
        this.current = undefined;
        void this.finish(job, code, signal, stderr).finally(() => {
          resolve();
          this.wake();
        });
      });
    });
    this.current = { job, child, exited, renewedAt: Date.now() };
    this.logger.log({ msg: 'report job started', jobId: job.id, unitId: job.unitId, period: job.period });
  }

  /** The child marks success or failure itself; this covers a child that died before it could. */
  private async finish(
    job: ReportJobEntity,
    code: number | null,
    signal: NodeJS.Signals | null,
    stderr: string,
  ): Promise<void> {
    if (code === 0 || this.stopped) return;
    const why = stderr.trim().split('\n').pop() ?? '';
    const failed = await this.jobs
      .fail(
        job.id,
        this.owner,
        `the report process stopped (${signal ?? `exit code ${code}`}) ${why}`.trim(),
        this.clock.now(),
      )
      .catch(() => false);
    if (failed || why) this.logger.error({ msg: 'report job failed', jobId: job.id, error: why });
  }
}
