import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NluService } from './nlu.service';

describe(NluService.name, () => {
  let service: NluService;

  beforeAll(async () => {
    process.env.NLU_CACHE_DIR = join(tmpdir(), 'outreach-test-nlu-cache');
    service = new NluService();
    await service.onModuleInit();
  });

  it('should list the ten intents and their topics', () => {
    expect(service.intents().sort()).toEqual([
      'complaint',
      'emergency',
      'fallback',
      'greeting',
      'health_insurance',
      'human',
      'language',
      'public_services',
      'unit_info',
      'vneid',
    ]);
    expect(service.topics('vneid')).toEqual(
      expect.arrayContaining(['forgot_password', 'otp', 'level2', 'portal_login']),
    );
  });

  it('should redact with typed placeholders', () => {
    expect(service.redact('sđt 0905123456, thẻ DN4797912345678')).toBe('sđt [phone], thẻ [bhyt]');
  });

  it('should learn a new example without a restart, and refuse an unknown topic', async () => {
    const phrase = 'xyzzy plugh thủ tục gì đó';
    const before = service.understand(phrase);
    await service.addExamples([
      { intent: 'public_services', topic: 'submit', text: phrase },
      { intent: 'public_services', topic: 'submit', text: 'xyzzy plugh nộp' },
      { intent: 'public_services', topic: 'submit', text: 'plugh xyzzy hồ sơ' },
    ]);
    const after = service.understand(phrase);
    expect(after.ranking.find((r) => r.intent === 'public_services')!.score).toBeGreaterThan(
      before.ranking.find((r) => r.intent === 'public_services')!.score,
    );
    expect(() => service.addExamples([{ intent: 'vneid', topic: 'nope', text: 'x' }])).toThrow(
      /unknown intent topic/,
    );
  });
});
