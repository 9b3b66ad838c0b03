import type { DataSourceOptions } from 'typeorm';
import type { DatabaseTarget } from '../config/app-config';
import { MIGRATIONS } from './migrations';

/** The only place that knows SQLite from PostgreSQL. */
export function dataSourceOptions(
  target: DatabaseTarget,
  entities: DataSourceOptions['entities'],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false as const,
  };
  if (target.type === 'sqlite' && target.driver === 'sqlite3') {
    return { ...common, type: 'sqlite', database: target.path, enableWAL: true, busyTimeout: 10000 };
  }
  if (target.type === 'sqlite') {
    // Synchronous calls on the main thread with prepared statements cached by their SQL text: no
    // thread-pool round trip and no per-call stack capture (the sqlite3 package's verbose mode).
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      enableWAL: true,
      timeout: 10000,
      statementCacheSize: 500,
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: target.url,
    ...(target.schema ? { schema: target.schema } : {}),
    extra: { max: 10, ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}) },
    applicationName: 'outreach-bot',
  };
}
