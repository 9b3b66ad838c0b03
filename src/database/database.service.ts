import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AsyncMutex } from '../common/async-mutex';

/**
 * Put before an INSERT or UPDATE … RETURNING: TypeORM's sqlite3 runner sends statements that start
 * with INSERT/UPDATE to run(), which drops the returned rows; with a leading comment they go to all().
 */
const ROWS = '/* rows */ ';

/**
 * The migrations' advisory lock: a fixed number, with the schema's hash beside it so that
 * deployments in separate schemas of one database do not wait for each other.
 */
export const MIGRATION_LOCK_KEY = 734723093;
export const MIGRATION_LOCK_SQL = 'SELECT pg_advisory_lock($1, hashtext($2))';
const MIGRATION_UNLOCK_SQL = 'SELECT pg_advisory_unlock($1, hashtext($2))';

/**
 * Transactions that behave the same on both engines. SQLite has one connection, so write
 * transactions are queued in-process; PostgreSQL runs them concurrently and callers lock rows.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private readonly writeLock = new AsyncMutex();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** better-sqlite3: a statement runs on the event loop, so a commit is CPU on it, not I/O. */
  get synchronous(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async onModuleInit(): Promise<void> {
    if (this.kind === 'sqlite') {
      // WAL is set by the driver; NORMAL is durable across process crashes in WAL mode, and
      // secure_delete overwrites the clear text of rows that redaction replaced.
      await this.dataSource.query('PRAGMA synchronous = NORMAL');
      await this.dataSource.query('PRAGMA secure_delete = ON');
    }
    if (this.kind === 'postgres') await this.whileMigrationLockHeld(() => this.migrate());
    else await this.migrate();
  }

  private async migrate(): Promise<void> {
    const schema =
      this.kind === 'postgres' ? (this.dataSource.options as { schema?: string }).schema : undefined;
    if (schema) await this.dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const pending = await this.dataSource.showMigrations();
    if (pending) {
      const ran = await this.dataSource.runMigrations({ transaction: 'each' });
      this.logger.log({ msg: 'migrations applied', migrations: ran.map((m) => m.name) });
    }
  }

  /**
   * Instances starting together would run the same migrations at once (CREATE SCHEMA races, a
   * migration applied twice): one at a time, by a session-level advisory lock held on a connection
   * of its own, released (or dropped with the session if we die) when done.
   */
  private async whileMigrationLockHeld(work: () => Promise<void>): Promise<void> {
    const key = [MIGRATION_LOCK_KEY, (this.dataSource.options as { schema?: string }).schema ?? ''];
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(MIGRATION_LOCK_SQL, key);
      try {
        await work();
      } finally {
        await runner.query(MIGRATION_UNLOCK_SQL, key);
      }
    } finally {
      await runner.release();
    }
  }

  /** `urgent`: SQLite's write queue serves it before every waiter that is not (a webhook's acknowledgement). */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>, urgent = false): Promise<T> {
    if (this.kind === 'sqlite')
      return this.writeLock.runExclusive(() => this.dataSource.transaction(work), urgent);
    return this.dataSource.transaction(work);
  }

  /**
   * Deletes in batches of `batch` rows, one short transaction each, so a purge never holds the
   * write lock for long. `selectIds` is a raw SELECT of ids whose last bind parameter is the LIMIT
   * (write it with param()); `remove` deletes those ids (and what hangs off them). Returns the count.
   */
  async deleteInBatches(
    selectIds: string,
    params: unknown[],
    remove: (manager: EntityManager, ids: number[]) => Promise<unknown>,
    batch = 1000,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.transaction(async (manager) => {
        const rows = await manager.query<{ id: number | string }[]>(selectIds, [...params, batch]);
        if (!rows.length) return 0;
        await remove(
          manager,
          rows.map((r) => Number(r.id)),
        );
        return rows.length;
      });
      total += removed;
      if (removed < batch) return total;
    }
  }

  /**
   * One multi-row INSERT (in chunks that stay under both engines' bind-parameter limits) inside the
   * caller's transaction; `tail` follows the VALUES (ON CONFLICT …, RETURNING …). Returns the rows
   * RETURNING gave, in chunk order. Values must already be in column form (epoch ms, JSON text).
   */
  async insertRows<R = Record<string, unknown>>(
    manager: EntityManager,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    tail = '',
  ): Promise<R[]> {
    const out: R[] = [];
    const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
    for (const { tuples, params } of this.valueChunks(rows, columns.length, (mark) => mark))
      out.push(...(await this.returning<R>(manager, `${head}${tuples} ${tail}`, params)));
    return out;
  }

  /**
   * One UPDATE of many rows from a list of values (in chunks under the bind-parameter limits), inside
   * the caller's transaction: `WITH v(columns) AS (VALUES …) UPDATE "table" SET … FROM v WHERE …
   * RETURNING …`. Each value column has an SQL type, cast on both engines (PostgreSQL would read
   * untyped VALUES parameters as text). `statement` writes the SET … WHERE … part, naming the
   * table's columns qualified ("table"."column") and the values as v."column"; `more` are further
   * parameters, placed with `p(0)`, `p(1)`… in the order they appear.
   */
  async updateRows<R = Record<string, unknown>>(
    manager: EntityManager,
    table: string,
    columns: readonly (readonly [name: string, type: string])[],
    rows: readonly unknown[][],
    statement: (p: (i: number) => string) => string,
    more: readonly unknown[] = [],
  ): Promise<R[]> {
    const out: R[] = [];
    const names = columns.map(([name]) => `"${name}"`).join(', ');
    const cast = (mark: string, i: number) => `CAST(${mark} AS ${columns[i][1]})`;
    for (const { tuples, params } of this.valueChunks(rows, columns.length, cast)) {
      const first = params.length + 1;
      const sql = `WITH v(${names}) AS (VALUES ${tuples}) UPDATE "${table}" ${statement((i) => this.param(first + i))}`;
      out.push(...(await this.returning<R>(manager, sql, [...params, ...more])));
    }
    return out;
  }

  /**
   * `(…), (…)` lists of bind placeholders for rows of `width` values, in chunks that stay under both
   * engines' bind-parameter limits, with their parameters; `cell` writes each value's placeholder.
   */
  private *valueChunks(
    rows: readonly unknown[][],
    width: number,
    cell: (mark: string, column: number) => string,
  ): Generator<{ tuples: string; params: unknown[] }> {
    const perChunk = Math.max(1, Math.floor(30_000 / width));
    for (let start = 0; start < rows.length; start += perChunk) {
      const params: unknown[] = [];
      const tuples = rows.slice(start, start + perChunk).map((row) => {
        const cells = Array.from({ length: width }, (_, i) => {
          params.push(row[i] === undefined ? null : row[i]);
          return cell(this.param(params.length), i);
        });
        return `(${cells.join(', ')})`;
      });
      yield { tuples: tuples.join(', '), params };
    }
  }

  /**
   * The rows an INSERT/UPDATE … RETURNING gave, inside a transaction. EntityManager.query hands
   * back an UPDATE's result as [rows, count] on PostgreSQL and rows elsewhere: the query runner's
   * structured result has them as `records` on every driver.
   */
  async returning<R>(manager: EntityManager, sql: string, params: unknown[]): Promise<R[]> {
    if (!manager.queryRunner) throw new Error('returning() runs inside a transaction');
    const result = (await manager.queryRunner.query(`${ROWS}${sql}`, params, true)) as { records?: R[] };
    return result.records ?? [];
  }

  /** Runs a parameterised write inside a transaction (placeholders as param() writes them); returns the rows it changed. */
  async execute(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
    if (!manager.queryRunner) throw new Error('execute() runs inside a transaction');
    const result = (await manager.queryRunner.query(sql, params, true)) as { affected?: number };
    return result.affected ?? 0;
  }

  /** The i-th (from 1) bind parameter of a raw query: $i on PostgreSQL, ? on SQLite. */
  param(i: number): string {
    return this.kind === 'postgres' ? `$${i}` : '?';
  }

  /**
   * `"id" <in> (subquery)` for a claiming UPDATE whose subquery locks and limits. PostgreSQL gets
   * `= ANY(ARRAY(…))`, evaluated once, so no plan can run the SKIP LOCKED … LIMIT subquery again.
   */
  inSubquery(subquery: string): string {
    return this.kind === 'postgres' ? `= ANY(ARRAY(${subquery}))` : `IN (${subquery})`;
  }

  /** Row lock for a SELECT inside a transaction (PostgreSQL); SQLite's queue already serialises writers. */
  get forUpdate(): '' | ' FOR UPDATE' {
    return this.kind === 'postgres' ? ' FOR UPDATE' : '';
  }

  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The migrations this build knows that the database has not recorded as applied. Read-only (one
   * small SELECT), unlike showMigrations, which may create the table: the readiness probe asks.
   */
  async pendingMigrations(): Promise<string[]> {
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    const rows = await this.dataSource.query<{ name: string }[]>(`SELECT "name" FROM "${table}"`);
    const applied = new Set(rows.map((r) => r.name));
    return this.dataSource.migrations
      .map((m) => m.name ?? m.constructor.name)
      .filter((name) => !applied.has(name));
  }

  /** Writes the WAL back into the main file and truncates it (used before a file-level privacy check). */
  async checkpoint(): Promise<void> {
    if (this.kind === 'sqlite') await this.dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      if (this.kind === 'sqlite')
        await this.writeLock.runExclusive(() => this.checkpoint().catch(() => undefined));
      await this.dataSource.destroy();
    }
  }
}
