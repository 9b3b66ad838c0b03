import { accessSync, constants, existsSync, fsyncSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A consistent copy of the SQLite database while the bot writes to it, by `VACUUM INTO` on a
 * read-only connection of its own. Why not the online backup API (`db.backup()`): it copies page
 * by page and starts over whenever another connection writes to the source between steps — the
 * running service is another process, so under steady traffic it may restart again and again.
 * VACUUM INTO reads in one read transaction: in WAL mode writers carry on beside it, the copy is
 * the database as of that transaction's start, and it comes out compacted (no free pages).
 */

class BackupTargetError extends Error {
  override readonly name = 'BackupTargetError';
}

/** Where the copy is written until it is verified: a hidden name in the target folder, so the rename is atomic. */
export function partialPath(out: string): string {
  return join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
}

/** Refuses an existing file (never overwritten) and a folder that is missing or not writable. */
export function checkTarget(out: string): string {
  const target = resolve(out);
  if (existsSync(target))
    throw new BackupTargetError(`${target} already exists: a backup never overwrites a file`);
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new BackupTargetError(`the folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new BackupTargetError(`the folder ${folder} is not writable by this user`);
  }
  return target;
}

/** Copies `source` into `into` (which must not exist); returns when the copy's read transaction began. */
export function snapshot(source: string, into: string): Date {
  if (!existsSync(source)) throw new Error(`the database ${source} does not exist`);
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    const began = new Date();
    db.prepare('VACUUM INTO ?').run(into);
    return began;
  } finally {
    db.close();
  }
}

/** Forces the copy to disk before it takes its final name. */
export function flush(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `PRAGMA integrity_check`: empty when the file is sound, else SQLite's findings. */
export function integrityProblems(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    return rows.length === 1 && rows[0] === 'ok' ? [] : rows;
  } finally {
    db.close();
  }
}

export interface CopyContents {
  bytes: number;
  units: { unitId: string; records: number; headSeq: number | null }[];
  conversations: number;
  tickets: number;
  /** null when the database predates campaigns. */
  campaigns: number | null;
}

export function contents(path: string): CopyContents {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => Number(db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get());
    const hasTable = (table: string) =>
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
    const units = db
      .prepare(
        `SELECT u."unitId" AS unitId,
                (SELECT COUNT(*) FROM "interaction_record" r WHERE r."unitId" = u."unitId") AS records,
                (SELECT c."seq" FROM "interaction_chain" c WHERE c."unitId" = u."unitId") AS headSeq
           FROM (SELECT "unitId" FROM "interaction_chain" UNION SELECT DISTINCT "unitId" FROM "interaction_record") u
          ORDER BY u."unitId"`,
      )
      .all() as { unitId: string; records: number; headSeq: number | null }[];
    return {
      bytes: statSync(path).size,
      units: units.map((u) => ({
        ...u,
        records: Number(u.records),
        headSeq: u.headSeq === null ? null : Number(u.headSeq),
      })),
      conversations: count('conversation'),
      tickets: count('complaint_ticket'),
      campaigns: hasTable('campaign') ? count('campaign') : null,
    };
  } finally {
    db.close();
  }
}

/**
 * The verification opened the copy through the app's data source, which turns on WAL; a copy in
 * rollback-journal mode is one self-contained file (a read-only opening of a WAL file leaves -wal and
 * -shm beside it). Switching checkpoints whatever the WAL still holds.
 */
export function toSingleFile(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.prepare('PRAGMA journal_mode = DELETE').get();
  } finally {
    db.close();
  }
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0)
    throw new Error(`the copy's write-ahead log ${path}-wal was not checkpointed`);
  for (const journal of ['-wal', '-shm']) rmSync(path + journal, { force: true });
}

/** Removes a partial copy and the journal files a verification connection may have left beside it. */
export function removeCopy(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(file, { force: true });
}
