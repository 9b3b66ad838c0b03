import {
  canonicalJson,
  chainHash,
  contentJson,
  GENESIS_HASH,
  recordHash,
  roundConfidence,
  type ChainedContent,
} from './hash-chain';

const content: ChainedContent = {
  unitId: 'u',
  seq: 1,
  occurredAt: 1767225600000,
  channel: 'web',
  conversationId: 'c',
  userKey: 'k',
  language: 'vi',
  intent: 'vneid',
  topic: 'otp',
  confidence: 0.9132,
  userText: 'không nhận được [phone] OTP',
  replyText: 'Dạ …',
  replyKeys: ['vneid:answers.otp'],
  contentVersion: '0123456789abcdef',
  planItems: ',vneid,',
  outcome: 'answered',
  satisfaction: null,
  latencyMs: 12,
  inboxEventId: 1,
  prevHash: GENESIS_HASH,
};

describe('hash chain', () => {
  it('should serialise with sorted keys at every level, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ é: 'Hòa' })).toBe('{"é":"Hòa"}');
  });

  it('should change the hash when any field or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, content);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...content })).toBe(base);
    expect(chainHash(GENESIS_HASH, { ...content, replyText: 'Dạ …!' })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...content, seq: 2 })).not.toBe(base);
    expect(chainHash('f'.repeat(64), content)).not.toBe(base);
  });

  it.each([
    ['a full record', content],
    ['an older record without an audience', { ...content, audience: undefined }],
    ['a playground turn', { ...content, audience: 'playground' as const }],
    [
      'nulls and empty values',
      { ...content, topic: null, confidence: null, userText: null, planItems: '', replyKeys: [] },
    ],
    [
      'quotes, line breaks and non-ASCII',
      { ...content, userText: 'a "b"\nc\u2028 Hòa', replyKeys: ['x"y', 'z'] },
    ],
  ])('should serialise %s as canonicalJson does, with the key order fixed once', (_name, record) => {
    expect(contentJson(record)).toBe(canonicalJson(record));
    expect(recordHash(GENESIS_HASH, record)).toBe(chainHash(GENESIS_HASH, record));
  });

  it("should leave a read-back row's id and hash out of the content", () => {
    const row = { ...content, id: 7, hash: 'f'.repeat(64) };
    expect(recordHash(GENESIS_HASH, row)).toBe(chainHash(GENESIS_HASH, content));
  });

  it('should round confidences so that both databases give back the hashed value', () => {
    expect(roundConfidence(0.912345678)).toBe(0.9123);
    expect(roundConfidence(null)).toBeNull();
    expect(roundConfidence(Number.NaN)).toBeNull();
  });
});
