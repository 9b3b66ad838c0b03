import { VN_OFFSET_MS } from '../common/clock';

/** The daily backups' names: the Vietnam date, so that they sort by age and retention never touches another file. */
const OWN_FILE = /^outreach-bot-(\d{4}-\d{2}-\d{2})\.sqlite$/;

function backupFileName(vnDate: string): string {
  return `outreach-bot-${vnDate}.sqlite`;
}

function vnTime(now: Date): Date {
  return new Date(now.getTime() + VN_OFFSET_MS);
}

/** YYYY-MM-DD in Vietnam. */
export function vnDate(now: Date): string {
  return vnTime(now).toISOString().slice(0, 10);
}

/**
 * Due once the Vietnam hour reached `hour` and today's file is not in the folder yet. The folder is
 * the memory: a restart does not copy twice, and a service that was down at the hour catches up.
 */
export function backupDue(now: Date, hour: number, names: readonly string[]): string | null {
  if (vnTime(now).getUTCHours() < hour) return null;
  const name = backupFileName(vnDate(now));
  return names.includes(name) ? null : name;
}

/** A copy left half-written by a backup that was killed (db:backup's temporary name for one of ours). */
const OWN_PARTIAL = /^\.outreach-bot-\d{4}-\d{2}-\d{2}\.sqlite\.partial-\d+(-wal|-shm|-journal)?$/;

/** Leftovers of killed copies: only one copy runs at a time, so any there is stale. */
export function stalePartials(names: readonly string[]): string[] {
  return names.filter((name) => OWN_PARTIAL.test(name));
}

/** Our own files beyond the newest `keep`, oldest last; anything else in the folder is left alone. */
export function backupsBeyond(names: readonly string[], keep: number): string[] {
  return names
    .filter((name) => OWN_FILE.test(name))
    .sort()
    .reverse()
    .slice(keep);
}

/** What to run instead on PostgreSQL; the URL stays a variable so that no password reaches a log. */
export function pgDumpLine(schema: string | undefined): string {
  const only = schema ? ` --schema=${schema}` : '';
  return `pg_dump --format=custom --no-owner${only} --file=outreach-bot.dump "$DATABASE_URL"`;
}
