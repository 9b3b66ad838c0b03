import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigurationError } from '../common/errors';
import { projectRoot } from '../common/project-root';
import type { EnvironmentVariables } from './env.schema';

export type SqliteDriver = 'better-sqlite3' | 'sqlite3';
export type DatabaseTarget =
  { type: 'sqlite'; path: string; driver: SqliteDriver } | { type: 'postgres'; url: string; schema?: string };

/**
 * Typed, validated configuration. Built once from the environment; everything else reads it
 * instead of process.env, so that a test can hand over its own.
 */
export class AppConfig {
  readonly env: EnvironmentVariables;
  readonly dataDir: string;
  readonly database: DatabaseTarget;
  readonly unitsFile: string;
  /** The daily backup's folder (absolute), when BACKUP_DIR is set. */
  readonly backupDir?: string;

  constructor(
    env: EnvironmentVariables,
    private readonly raw: Record<string, string | undefined> = {},
  ) {
    this.env = env;
    this.dataDir = absolute(env.DATA_DIR);
    this.unitsFile = env.UNITS_FILE;
    if (env.BACKUP_DIR) this.backupDir = absolute(env.BACKUP_DIR);
    this.database = parseDatabaseUrl(env.DATABASE_URL, this.dataDir, env.DATABASE_SCHEMA, env.SQLITE_DRIVER);
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  /** A raw environment value (channel secrets named in the units file). */
  secret(name: string): string | undefined {
    const value = this.raw[name];
    return value && value.trim() ? value.trim() : undefined;
  }

  private secretsCache?: Record<string, string>;

  /**
   * A server secret: from the environment, or — outside production only — generated once and kept
   * in DATA_DIR/secrets.json so that `npm start` needs no setup. Production must set it.
   */
  serverSecret(name: 'USER_KEY_SECRET' | 'SESSION_SECRET'): string {
    const fromEnv = this.secret(name);
    if (fromEnv) {
      if (fromEnv.length < 32) throw new ConfigurationError(`${name} must be at least 32 characters`);
      return fromEnv;
    }
    if (this.isProduction) {
      throw new ConfigurationError(`${name} must be set in production (e.g. openssl rand -hex 32)`);
    }
    const file = join(this.dataDir, 'secrets.json');
    if (!this.secretsCache) {
      this.secretsCache = existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
        : {};
    }
    if (!this.secretsCache[name]) {
      this.secretsCache[name] = randomBytes(32).toString('hex');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(this.secretsCache, null, 2) + '\n', { mode: 0o600 });
    }
    return this.secretsCache[name];
  }
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(projectRoot(), path);
}

function parseDatabaseUrl(
  url: string | undefined,
  dataDir: string,
  schema: string | undefined,
  driver: SqliteDriver = 'better-sqlite3',
): DatabaseTarget {
  if (!url) return { type: 'sqlite', path: join(dataDir, 'bot.sqlite'), driver };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new ConfigurationError('DATABASE_URL must be sqlite:PATH with a file path');
    return { type: 'sqlite', path: path === ':memory:' ? path : absolute(path), driver };
  }
  return schema ? { type: 'postgres', url, schema } : { type: 'postgres', url };
}
