import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { backupDue, backupsBeyond, stalePartials } from './backup-files';

export interface DailyBackupOptions {
  dir: string;
  hour: number;
  keep: number;
  clock: Clock;
  /** Makes the verified copy at `out` (which must not exist); rejects when it could not. */
  copy: (out: string) => Promise<string>;
  log: { log: (message: object) => void; error: (message: object) => void };
}

/** One check of the daily backup: copies when due, then deletes its own oldest files beyond `keep`. Never throws. */
export class DailyBackup {
  private running = false;

  constructor(private readonly options: DailyBackupOptions) {}

  async tick(): Promise<'not-due' | 'busy' | 'copied' | 'failed'> {
    if (this.running) return 'busy';
    const { dir, hour, keep, clock, copy, log } = this.options;
    this.running = true;
    try {
      const names = readdirSync(dir);
      const name = backupDue(clock.now(), hour, names);
      if (!name) return 'not-due';
      for (const partial of stalePartials(names)) rmSync(join(dir, partial), { force: true });
      const out = join(dir, name);
      const report = await copy(out);
      log.log({ msg: 'daily backup written', file: out, report });
      for (const old of backupsBeyond(readdirSync(dir), keep)) {
        rmSync(join(dir, old), { force: true });
        log.log({ msg: 'old backup deleted', file: join(dir, old) });
      }
      return 'copied';
    } catch (error) {
      log.error({ msg: 'daily backup failed', dir, error: errorMessage(error) });
      return 'failed';
    } finally {
      this.running = false;
    }
  }
}
