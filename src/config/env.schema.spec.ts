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
    });
    expect(env.DATABASE_URL).toBeUndefined();
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
