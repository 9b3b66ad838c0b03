import { parseTrustProxy } from '../common/trust-proxy';
import { ConfigurationError } from '../common/errors';
import { validateEnv } from './env.schema';

describe('#validateEnv', () => {
  it('should give working defaults for an empty environment', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      UNITS_FILE: 'units.yaml',
      DATA_DIR: 'data',
      NODE_ENV: 'development',
      HANDOFF_HOURS: 24,
      BACKUP_HOUR: 2,
      BACKUP_KEEP: 14,
      METRICS: 'on',
    });
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.BACKUP_DIR).toBeUndefined();
  });

  it('should convert numbers and keep valid values', () => {
    expect(validateEnv({ PORT: '8080', DATABASE_URL: 'sqlite:/tmp/x.sqlite' })).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'sqlite:/tmp/x.sqlite',
    });
    expect(validateEnv({ DATABASE_URL: 'postgres://a:b@localhost:5432/db' }).DATABASE_URL).toMatch(
      /^postgres/,
    );
  });

  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT must be an integer between 1 and 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be sqlite:PATH or postgres:\/\//],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be debug, info, warn or error/],
    [{ USER_KEY_SECRET: 'short' }, /USER_KEY_SECRET must be at least 32 characters/],
    [{ HANDOFF_HOURS: '0' }, /HANDOFF_HOURS/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 32 characters/],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY must be off, a number of proxy hops/],
    [{ TRUST_PROXY: '0' }, /TRUST_PROXY must be/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be/],
    [{ TRUST_PROXY: 'proxy.local' }, /TRUST_PROXY must be/],
    [
      { BACKUP_HOUR: '24' },
      /^Configuration error: BACKUP_HOUR must be a whole hour between 0 and 23 \(Vietnam time\) \(got "24"\)$/,
    ],
    [{ BACKUP_HOUR: '2am' }, /BACKUP_HOUR must be a whole hour/],
    [{ BACKUP_KEEP: '0' }, /BACKUP_KEEP must be a whole number of copies between 1 and 3650/],
    [{ METRICS: 'yes' }, /^Configuration error: METRICS must be on or off \(got "yes"\)$/],
    [
      { METRICS_TOKEN: 'short' },
      /^Configuration error: METRICS_TOKEN must be at least 16 visible ASCII characters[^"]*$/,
    ],
    [{ METRICS_TOKEN: 'has a space in the middle' }, /METRICS_TOKEN must be/],
  ])('should stop on %j with one line naming the variable', (raw, message) => {
    let error: unknown;
    try {
      validateEnv(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('#parseTrustProxy', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['off', false],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/8, ::1', ['10.0.0.0/8', '::1']],
    ['fd00::/8', ['fd00::/8']],
  ])('%j → %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['true', '0', '11', 'x', '1.2.3.4/40', '1.2.3.4,,5.6.7.8'])('should refuse %j', (raw) => {
    expect(parseTrustProxy(raw)).toHaveProperty('error');
  });
});
