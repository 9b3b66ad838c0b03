import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import { AppConfig } from '../config/app-config';
import { pgDumpLine } from './backup-files';
import { DailyBackup } from './daily-backup';

/** Hour-level schedule: a check a minute is plenty, and it survives clock jumps and suspends. */
const CHECK_EVERY_MS = 60_000;
/** The first check soon after start, so that a day missed while the service was down is caught up. */
const FIRST_CHECK_MS = 1_000;

/**
 * The daily SQLite backup (BACKUP_DIR). The copy runs as the db:backup command in a child process:
 * the same verified copy as by hand, and better-sqlite3's synchronous VACUUM INTO and chain check
 * stay off the event loop that answers citizens.
 */
@Injectable()
export class DailyBackupService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DailyBackupService.name);
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const dir = this.config.backupDir;
    if (!dir) return;
    const database = this.config.database;
    if (database.type === 'postgres') {
      this.logger.log({
        msg: `BACKUP_DIR is set but the database is PostgreSQL: no daily copy is made here; back it up with ${pgDumpLine(database.schema)}`,
      });
      return;
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      this.logger.error({
        msg: 'daily backup off: BACKUP_DIR cannot be created',
        dir,
        error: errorMessage(error),
      });
      return;
    }
    const backup = new DailyBackup({
      dir,
      hour: this.config.env.BACKUP_HOUR,
      keep: this.config.env.BACKUP_KEEP,
      clock: this.clock,
      copy: (out) => runBackupCommand(out, database.path),
      log: this.logger,
    });
    this.first = setTimeout(() => void backup.tick(), FIRST_CHECK_MS);
    this.timer = setInterval(() => void backup.tick(), CHECK_EVERY_MS);
    this.first.unref();
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.first);
    clearInterval(this.timer);
  }
}

/** `db:backup --out FILE` on our database; resolves with its report, rejects with its error line. */
function runBackupCommand(out: string, database: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fromRoot('dist/src/cli/db-backup.js'), '--out', out], {
      env: { ...process.env, DATABASE_URL: `sqlite:${database}`, DATABASE_SCHEMA: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve(stdout.trim())
        : reject(new Error(stderr.trim() || `db:backup ended with ${signal ?? `exit code ${code}`}`)),
    );
  });
}
