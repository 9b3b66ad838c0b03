import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { ConfigurationError } from '../common/errors';
import { parseTrustProxy } from '../common/trust-proxy';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the service reads. Validated once at start-up: a bad value stops the
 * start with one line naming the variable. .env.example documents each of them.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], {
    message: 'NODE_ENV must be development, production or test',
  })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'DATABASE_URL must be sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB',
  })
  DATABASE_URL?: string;

  /** PostgreSQL only: the schema to use (created if missing); tests give each file its own. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA?: string;

  /** SQLite only: the driver. better-sqlite3 (synchronous, prepared statements) or sqlite3 (thread pool). */
  @IsIn(['better-sqlite3', 'sqlite3'], { message: 'SQLITE_DRIVER must be better-sqlite3 or sqlite3' })
  SQLITE_DRIVER: 'better-sqlite3' | 'sqlite3' = 'better-sqlite3';

  @IsString()
  @MinLength(1, { message: 'DATA_DIR must be a directory path' })
  DATA_DIR = 'data';

  /** Where trained classifier models are cached (default DATA_DIR/cache). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  NLU_CACHE_DIR?: string;

  @IsString()
  @MinLength(1, { message: 'UNITS_FILE must be the path of a units YAML file' })
  UNITS_FILE = 'units.yaml';

  @IsIn(['debug', 'info', 'warn', 'error'], { message: 'LOG_LEVEL must be debug, info, warn or error' })
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';

  /** Key of the HMAC that turns platform user ids into pseudonymous user keys. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'USER_KEY_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)' })
  USER_KEY_SECRET?: string;

  @Transform(toInt)
  @IsInt({ message: 'HANDOFF_HOURS must be a whole number of hours between 1 and 720' })
  @Min(1, { message: 'HANDOFF_HOURS must be a whole number of hours between 1 and 720' })
  @Max(720, { message: 'HANDOFF_HOURS must be a whole number of hours between 1 and 720' })
  HANDOFF_HOURS = 24;

  @Transform(toInt)
  @IsInt({ message: 'INBOX_CONCURRENCY must be an integer between 1 and 512' })
  @Min(1, { message: 'INBOX_CONCURRENCY must be an integer between 1 and 512' })
  @Max(512, { message: 'INBOX_CONCURRENCY must be an integer between 1 and 512' })
  INBOX_CONCURRENCY = 64;

  /** How long a claimed inbox event stays ours without a heartbeat (renewed every third of it). */
  @Transform(toInt)
  @IsInt({ message: 'INBOX_LEASE_MS must be an integer between 1000 and 3600000' })
  @Min(1000, { message: 'INBOX_LEASE_MS must be an integer between 1000 and 3600000' })
  @Max(3600000, { message: 'INBOX_LEASE_MS must be an integer between 1000 and 3600000' })
  INBOX_LEASE_MS = 120000;

  /** The same for a reply being sent by the outbox. */
  @Transform(toInt)
  @IsInt({ message: 'OUTBOX_LEASE_MS must be an integer between 1000 and 3600000' })
  @Min(1000, { message: 'OUTBOX_LEASE_MS must be an integer between 1000 and 3600000' })
  @Max(3600000, { message: 'OUTBOX_LEASE_MS must be an integer between 1000 and 3600000' })
  OUTBOX_LEASE_MS = 60000;

  /** Processed inbox events and finished outbox messages are deleted after this many days (the dedupe memory). */
  @Transform(toInt)
  @IsInt({ message: 'QUEUE_RETENTION_DAYS must be a whole number of days between 2 and 3650' })
  @Min(2, { message: 'QUEUE_RETENTION_DAYS must be a whole number of days between 2 and 3650' })
  @Max(3650, { message: 'QUEUE_RETENTION_DAYS must be a whole number of days between 2 and 3650' })
  QUEUE_RETENTION_DAYS = 30;

  // Channels. Each block applies to the default unit when set; several units name their own
  // variables in the units file. A partly configured channel stops the start (ChannelAccounts).
  @Transform(emptyToUndefined) @IsOptional() @IsString() MESSENGER_APP_SECRET?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() MESSENGER_VERIFY_TOKEN?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() MESSENGER_PAGE_ID?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() MESSENGER_PAGE_ACCESS_TOKEN?: string;
  /** Our Meta app's id: echoes of our own sends carry it (others are a person answering in the Page inbox). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d+$/, { message: 'MESSENGER_APP_ID must be the numeric Meta app id' })
  MESSENGER_APP_ID?: string;

  @Transform(toInt)
  @IsInt({ message: 'CHANNEL_HTTP_TIMEOUT_MS must be an integer between 100 and 60000' })
  @Min(100, { message: 'CHANNEL_HTTP_TIMEOUT_MS must be an integer between 100 and 60000' })
  @Max(60000, { message: 'CHANNEL_HTTP_TIMEOUT_MS must be an integer between 100 and 60000' })
  CHANNEL_HTTP_TIMEOUT_MS = 10000;

  /**
   * Send API calls in flight at once per instance (kept-alive connections). Meta counts calls per
   * page over 24 hours, not at once (channels.md A.11): the bound protects our own event loop.
   */
  @Transform(toInt)
  @IsInt({ message: 'MESSENGER_SEND_CONCURRENCY must be an integer between 1 and 256' })
  @Min(1, { message: 'MESSENGER_SEND_CONCURRENCY must be an integer between 1 and 256' })
  @Max(256, { message: 'MESSENGER_SEND_CONCURRENCY must be an integer between 1 and 256' })
  MESSENGER_SEND_CONCURRENCY = 32;

  /** The same for the Zalo OA API, which answers -32 when an OA calls too fast (channels.md B.9). */
  @Transform(toInt)
  @IsInt({ message: 'ZALO_SEND_CONCURRENCY must be an integer between 1 and 256' })
  @Min(1, { message: 'ZALO_SEND_CONCURRENCY must be an integer between 1 and 256' })
  @Max(256, { message: 'ZALO_SEND_CONCURRENCY must be an integer between 1 and 256' })
  ZALO_SEND_CONCURRENCY = 8;
  @Matches(/^https?:\/\/\S+$/, {
    message: 'MESSENGER_API_URL must be an http(s) URL, e.g. https://graph.facebook.com/v25.0',
  })
  MESSENGER_API_URL = 'https://graph.facebook.com/v25.0';

  @Transform(emptyToUndefined) @IsOptional() @IsString() ZALO_APP_ID?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() ZALO_APP_SECRET?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() ZALO_OA_ID?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() ZALO_OA_SECRET_KEY?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() ZALO_ACCESS_TOKEN?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() ZALO_REFRESH_TOKEN?: string;
  @Matches(/^https?:\/\/\S+$/, {
    message: 'ZALO_API_URL must be an http(s) URL, e.g. https://openapi.zalo.me',
  })
  ZALO_API_URL = 'https://openapi.zalo.me';
  @Matches(/^https?:\/\/\S+$/, {
    message: 'ZALO_OAUTH_URL must be an http(s) URL, e.g. https://oauth.zaloapp.com',
  })
  ZALO_OAUTH_URL = 'https://oauth.zaloapp.com';

  /** Console cookies: Secure when the request came over https (auto, behind a proxy too), or always / never. */
  @IsIn(['auto', 'true', 'false'], { message: 'CONSOLE_COOKIE_SECURE must be auto, true or false' })
  CONSOLE_COOKIE_SECURE: 'auto' | 'true' | 'false' = 'auto';

  /** Signs console sessions and CSRF tokens; generated in development, required in production. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)' })
  SESSION_SECRET?: string;

  /** Whose X-Forwarded-For / -Proto to believe: nobody (off), N hops, or the proxies' addresses. */
  @IsString()
  TRUST_PROXY = 'off';

  /** GET /metrics: on (loopback, or anyone with METRICS_TOKEN) or off (404). */
  @IsIn(['on', 'off'], { message: 'METRICS must be on or off' })
  METRICS: 'on' | 'off' = 'on';

  /** Bearer token for GET /metrics; when set, every reader needs it and loopback alone no longer suffices. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,}$/, {
    message:
      'METRICS_TOKEN must be at least 16 visible ASCII characters without spaces (e.g. openssl rand -hex 24)',
  })
  METRICS_TOKEN?: string;

  @Transform(toInt)
  @IsInt({ message: 'SHUTDOWN_GRACE_MS must be an integer between 0 and 600000' })
  @Min(0, { message: 'SHUTDOWN_GRACE_MS must be an integer between 0 and 600000' })
  @Max(600000, { message: 'SHUTDOWN_GRACE_MS must be an integer between 0 and 600000' })
  SHUTDOWN_GRACE_MS = 10000;

  /** Web chat rate limit: POST /api/chat per session, per minute. */
  @Transform(toInt)
  @IsInt({ message: 'WEB_CHAT_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'WEB_CHAT_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'WEB_CHAT_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  WEB_CHAT_RATE_PER_MINUTE = 30;

  /** Web chat rate limit: POST /api/chat per client IP, per minute. */
  @Transform(toInt)
  @IsInt({ message: 'WEB_CHAT_IP_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'WEB_CHAT_IP_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'WEB_CHAT_IP_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  WEB_CHAT_IP_RATE_PER_MINUTE = 120;

  /** Web chat rate limit: GET /api/chat/messages per session, per minute. */
  @Transform(toInt)
  @IsInt({ message: 'WEB_CHAT_POLL_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'WEB_CHAT_POLL_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'WEB_CHAT_POLL_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  WEB_CHAT_POLL_RATE_PER_MINUTE = 60;

  /** Web chat rate limit: GET /api/chat/messages per client IP, per minute. */
  @Transform(toInt)
  @IsInt({ message: 'WEB_CHAT_POLL_IP_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'WEB_CHAT_POLL_IP_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'WEB_CHAT_POLL_IP_RATE_PER_MINUTE must be an integer between 1 and 100000' })
  WEB_CHAT_POLL_IP_RATE_PER_MINUTE = 600;

  /** How often each instance checks whether console training examples changed (one small SELECT). */
  @Transform(toInt)
  @IsInt({ message: 'TRAINING_SYNC_MS must be an integer between 100 and 3600000' })
  @Min(100, { message: 'TRAINING_SYNC_MS must be an integer between 100 and 3600000' })
  @Max(3600000, { message: 'TRAINING_SYNC_MS must be an integer between 100 and 3600000' })
  TRAINING_SYNC_MS = 5000;

  /** Promotion messages per month the default unit's OA may send (its Zalo package); 0 = none. */
  @Transform(toInt)
  @IsInt({ message: 'ZALO_PROMOTION_QUOTA must be an integer between 0 and 1000000' })
  @Min(0, { message: 'ZALO_PROMOTION_QUOTA must be an integer between 0 and 1000000' })
  @Max(1000000, { message: 'ZALO_PROMOTION_QUOTA must be an integer between 0 and 1000000' })
  ZALO_PROMOTION_QUOTA = 0;

  /**
   * On SQLite an instance that starts takes back, at once, every row left in flight: it is the only
   * process on the file. A process started beside a running service (campaign:send) sets it false
   * and takes over only rows whose lease expired.
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value !== 'false' : value))
  @IsBoolean({ message: 'QUEUE_EXCLUSIVE_START must be true or false' })
  QUEUE_EXCLUSIVE_START = true;

  /** How often each instance looks for unit details saved by another instance (one small SELECT). */
  @Transform(toInt)
  @IsInt({ message: 'UNIT_DETAILS_SYNC_MS must be an integer between 100 and 3600000' })
  @Min(100, { message: 'UNIT_DETAILS_SYNC_MS must be an integer between 100 and 3600000' })
  @Max(3600000, { message: 'UNIT_DETAILS_SYNC_MS must be an integer between 100 and 3600000' })
  UNIT_DETAILS_SYNC_MS = 5000;

  /** Local (Vietnam) hours when no campaign message is sent, "HH:MM-HH:MM"; "off" sends at any hour. */
  @Matches(/^(off|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$/, {
    message: 'CAMPAIGN_QUIET_HOURS must be HH:MM-HH:MM (Vietnam time) or off, e.g. 21:00-07:00',
  })
  CAMPAIGN_QUIET_HOURS = '21:00-07:00';

  /** Campaign messages handed to the Messenger outbox per minute and instance. */
  @Transform(toInt)
  @IsInt({ message: 'CAMPAIGN_MESSENGER_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'CAMPAIGN_MESSENGER_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'CAMPAIGN_MESSENGER_PER_MINUTE must be an integer between 1 and 100000' })
  CAMPAIGN_MESSENGER_PER_MINUTE = 300;

  /** Campaign messages handed to the Zalo outbox per minute and instance (the OA API answers -32 when called too fast). */
  @Transform(toInt)
  @IsInt({ message: 'CAMPAIGN_ZALO_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'CAMPAIGN_ZALO_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'CAMPAIGN_ZALO_PER_MINUTE must be an integer between 1 and 100000' })
  CAMPAIGN_ZALO_PER_MINUTE = 60;

  /** Campaign messages queued for web chat sessions per minute and instance. */
  @Transform(toInt)
  @IsInt({ message: 'CAMPAIGN_WEB_PER_MINUTE must be an integer between 1 and 100000' })
  @Min(1, { message: 'CAMPAIGN_WEB_PER_MINUTE must be an integer between 1 and 100000' })
  @Max(100000, { message: 'CAMPAIGN_WEB_PER_MINUTE must be an integer between 1 and 100000' })
  CAMPAIGN_WEB_PER_MINUTE = 1000;

  /**
   * Domains a campaign button may link to, comma-separated, besides gov.vn (and its subdomains) and
   * the units' own websites.
   */
  @Matches(/^([a-z0-9.-]+(,[a-z0-9.-]+)*)?$/, {
    message:
      'CAMPAIGN_LINK_DOMAINS must be domain names separated by commas, e.g. baohiemxahoi.gov.vn,vssid.vn',
  })
  CAMPAIGN_LINK_DOMAINS = '';

  /** SQLite: the folder of the daily verified copy; unset, no daily copy is made. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'BACKUP_DIR must be a directory path' })
  BACKUP_DIR?: string;

  /** The Vietnam hour (0–23) from which the day's copy is made. */
  @Transform(toInt)
  @IsInt({ message: 'BACKUP_HOUR must be a whole hour between 0 and 23 (Vietnam time)' })
  @Min(0, { message: 'BACKUP_HOUR must be a whole hour between 0 and 23 (Vietnam time)' })
  @Max(23, { message: 'BACKUP_HOUR must be a whole hour between 0 and 23 (Vietnam time)' })
  BACKUP_HOUR = 2;

  /** Daily copies kept in BACKUP_DIR; older ones of ours are deleted. */
  @Transform(toInt)
  @IsInt({ message: 'BACKUP_KEEP must be a whole number of copies between 1 and 3650' })
  @Min(1, { message: 'BACKUP_KEEP must be a whole number of copies between 1 and 3650' })
  @Max(3650, { message: 'BACKUP_KEEP must be a whole number of copies between 1 and 3650' })
  BACKUP_KEEP = 14;
}

function firstMessage(errors: ValidationError[]): string {
  for (const error of errors) {
    const constraints = error.constraints ? Object.values(error.constraints) : [];
    if (constraints.length) {
      // A rejected secret is not echoed into the start-up log.
      const secret = /SECRET|TOKEN/.test(error.property);
      const got = error.value === undefined || secret ? '' : ` (got ${JSON.stringify(String(error.value))})`;
      return `${constraints[0]}${got}`;
    }
    if (error.children?.length) return firstMessage(error.children);
  }
  return 'invalid configuration';
}

/** Validates process.env (or a given record); throws a ConfigurationError with one line. */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables());
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (known.includes(key)) picked[key] = value;
  }
  const env = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length) throw new ConfigurationError(`Configuration error: ${firstMessage(errors)}`);
  const trust = parseTrustProxy(env.TRUST_PROXY);
  if (!Array.isArray(trust) && typeof trust === 'object')
    throw new ConfigurationError(
      `Configuration error: ${trust.error} (got ${JSON.stringify(env.TRUST_PROXY)})`,
    );
  return env;
}
