import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { NluService } from './nlu.service';

describe(NluService.name, () => {
  let service: NluService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    process.env.NLU_CACHE_DIR = join(tmpdir(), 'outreach-test-nlu-cache');
    service = new NluService();
    service.onModuleInit();
  });

  it('should list the ten intents of the evaluation set, the news subscription, and their topics', () => {
    expect(service.intents().sort()).toEqual([
      'complaint',
      'emergency',
      'fallback',
      'greeting',
      'health_insurance',
      'human',
      'language',
      'public_services',
      'subscription',
      'unit_info',
      'vneid',
    ]);
    expect(service.topics('subscription').sort()).toEqual(['subscribe', 'unsubscribe']);
    expect(service.topics('vneid')).toEqual(
      expect.arrayContaining(['forgot_password', 'otp', 'level2', 'portal_login']),
    );
  });

  it('should redact with typed placeholders', () => {
    expect(service.redact('sđt 0905123456, thẻ DN4797912345678')).toBe('sđt [phone], thẻ [bhyt]');
  });

  afterAll(() => service.onModuleDestroy());

  it('should retrain in a worker thread, answering with the old model until the new one is in', async () => {
    const phrase = 'xyzzy plugh thủ tục gì đó';
    const before = service.understand(phrase);
    expect(service.trainerMode).toBe('worker-ts');
    const retrained = service.retrain(
      [
        { intent: 'public_services', topic: 'submit', text: phrase },
        { intent: 'public_services', topic: 'submit', text: 'xyzzy plugh nộp' },
        { intent: 'public_services', topic: 'submit', text: 'plugh xyzzy hồ sơ' },
      ],
      1,
    );
    // The event loop turns while the worker trains: the old model still answers.
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.revision()).toBeNull();
    expect(service.understand(phrase).ranking).toEqual(before.ranking);
    await retrained;
    expect(service.revision()).toBe(1);
    const after = service.understand(phrase);
    expect(after.ranking.find((r) => r.intent === 'public_services')!.score).toBeGreaterThan(
      before.ranking.find((r) => r.intent === 'public_services')!.score,
    );
  });

  it('should forget examples no longer given, a later revision superseding an earlier one', async () => {
    const phrase = 'xyzzy plugh thủ tục gì đó';
    const added = service.understand(phrase);
    const stale = service.retrain([{ intent: 'public_services', topic: 'submit', text: 'plugh' }], 2);
    const latest = service.retrain([], 3);
    await Promise.all([stale, latest]);
    expect(service.revision()).toBe(3);
    expect(
      service.understand(phrase).ranking.find((r) => r.intent === 'public_services')!.score,
    ).toBeLessThan(added.ranking.find((r) => r.intent === 'public_services')!.score);
  });

  it('should refuse an unknown topic', async () => {
    await expect(service.retrain([{ intent: 'vneid', topic: 'nope', text: 'x' }], 4)).rejects.toThrow(
      /unknown intent topic/,
    );
    expect(service.revision()).toBe(3);
  });
});
