import { AsyncMutex } from './async-mutex';
import { currentCorrelationId, withCorrelationId } from './correlation';
import { JsonLogger } from './json-logger';
import { scrubLogText } from './scrub';
import { SecretBox } from './secret-box';

describe('#scrubLogText', () => {
  it.each([
    ['call me 0905 123 456 now', 'call me [number] now'],
    ['+84 905.123.456', '[number]'],
    ['cccd 079123456789', 'cccd [number]'],
    ['the DN4797912345678 card', 'the [code] card'],
    ['mail an.nguyen@example.com', 'mail [email]'],
    ['GET /me/messages?access_token=EAAB123&x=1', 'GET /me/messages?access_token=[secret]&x=1'],
    ['{"refresh_token":"abc.def"}', '{"refresh_token":"[secret]"}'],
    ['ticket PA-2026-000123 on 12/03/2026', 'ticket PA-2026-000123 on 12/03/2026'],
  ])('%s → %s', (input, expected) => {
    expect(scrubLogText(input)).toBe(expected);
  });
});

describe(JsonLogger.name, () => {
  it('should write one scrubbed JSON line with level, context and correlation id', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (l) => lines.push(l));
    withCorrelationId('corr-1', () => logger.warn({ msg: 'sent to 0905123456', outboxId: 3 }, 'Outbox'));
    logger.debug('hidden at info level');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'warn',
      context: 'Outbox',
      correlationId: 'corr-1',
      msg: 'sent to [number]',
      outboxId: 3,
    });
  });
});

describe(SecretBox.name, () => {
  it('should round-trip, never store the clear text, and use a key per purpose', () => {
    const box = new SecretBox('server-secret-0123456789abcdef0123456789', 'inbox');
    const sealed = box.encrypt('số tôi 0905123456');
    expect(sealed).not.toContain('0905123456');
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(box.decrypt(sealed)).toBe('số tôi 0905123456');
    expect(() =>
      new SecretBox('server-secret-0123456789abcdef0123456789', 'other').decrypt(sealed),
    ).toThrow();
    expect(box.decrypt('already plain')).toBe('already plain');
  });
});

describe('concurrency helpers', () => {
  it('should run AsyncMutex sections one at a time, in order', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    const step = (name: string, ms: number) =>
      mutex.runExclusive(async () => {
        log.push(`${name}:in`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:out`);
      });
    await Promise.all([step('a', 20), step('b', 1), step('c', 5)]);
    expect(log).toEqual(['a:in', 'a:out', 'b:in', 'b:out', 'c:in', 'c:out']);
  });

  it('should keep the correlation id through awaits', async () => {
    const seen = await withCorrelationId('c-42', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentCorrelationId();
    });
    expect(seen).toBe('c-42');
    expect(currentCorrelationId()).toBeUndefined();
  });
});
