import { verifyChain } from './chain-verifier';
import { chainHash, GENESIS_HASH, type ChainedContent } from './hash-chain';
import type { InteractionRecordEntity } from './interaction-record.entity';
import type { Audience } from '../messaging/audience';

/** `audiences[i]` for record i + 1; undefined = a record written before the audience field existed. */
function chain(n: number, audiences: (Audience | undefined)[] = []): InteractionRecordEntity[] {
  const records: InteractionRecordEntity[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content: ChainedContent = {
      unitId: 'u1',
      seq,
      occurredAt: Date.UTC(2026, 0, seq),
      channel: 'web',
      conversationId: `c${seq % 2}`,
      userKey: 'k'.repeat(64),
      language: 'vi',
      intent: 'vneid',
      topic: 'forgot_password',
      confidence: 0.9,
      userText: `câu hỏi ${seq}`,
      replyText: `trả lời ${seq}`,
      replyKeys: ['vneid:forgot_password.text'],
      contentVersion: 'abc',
      planItems: ',vneid,',
      outcome: 'answered',
      satisfaction: null,
      latencyMs: 12,
      inboxEventId: seq,
      audience: audiences[seq - 1],
      prevHash: prev,
    };
    const hash = chainHash(prev, content);
    records.push({
      ...content,
      id: seq,
      occurredAt: new Date(content.occurredAt),
      audience: content.audience ?? null,
      hash,
    });
    prev = hash;
  }
  return records;
}

async function* pages(records: InteractionRecordEntity[]) {
  yield records.slice(0, 2);
  yield records.slice(2);
}

const head = (records: InteractionRecordEntity[]) => ({
  seq: records[records.length - 1].seq,
  hash: records[records.length - 1].hash,
});

describe(verifyChain.name, () => {
  it('should accept an intact chain and report its head', async () => {
    const records = chain(5);
    const report = await verifyChain('u1', pages(records), undefined, head(records));
    expect(report).toMatchObject({ checked: 5, headSeq: 5, headHash: records[4].hash, broken: null });
  });

  it('should accept older records without an audience beside newer ones with it', async () => {
    const records = chain(4, [undefined, undefined, 'playground', 'public']);
    expect(records.map((r) => r.audience)).toEqual([null, null, 'playground', 'public']);
    const report = await verifyChain('u1', pages(records), undefined, head(records));
    expect(report).toMatchObject({ checked: 4, broken: null });
  });

  it.each([
    ['a playground turn made public', 'playground', 'public'],
    ['a playground turn stripped of its mark', 'playground', null],
    ['a public turn made playground', 'public', 'playground'],
  ] as const)('should name %s as edited', async (_name, from, to) => {
    const records = chain(3, [undefined, from, undefined]);
    const original = head(records);
    records[1] = { ...records[1], audience: to };
    const report = await verifyChain('u1', pages(records), undefined, original);
    expect(report.broken).toMatchObject({ seq: 2, reason: expect.stringMatching(/edited/) });
  });

  it('should name an edited record', async () => {
    const records = chain(5);
    const original = head(records);
    records[2] = { ...records[2], userText: 'câu hỏi đã sửa' };
    const report = await verifyChain('u1', pages(records), undefined, original);
    expect(report.broken).toMatchObject({ seq: 3, id: 3, reason: expect.stringMatching(/edited/) });
    expect(report.checked).toBe(2);
  });

  it('should name an edited record even when the editor recomputed its own hash', async () => {
    const records = chain(5);
    const original = head(records);
    const { id: _id, hash: _hash, ...content } = records[2];
    const forged = {
      ...content,
      occurredAt: content.occurredAt.getTime(),
      audience: content.audience ?? undefined,
      userText: 'khác',
    };
    records[2] = { ...records[2], userText: 'khác', hash: chainHash(records[2].prevHash, forged) };
    const report = await verifyChain('u1', pages(records), undefined, original);
    expect(report.broken).toMatchObject({ seq: 4, reason: expect.stringMatching(/previous-hash/) });
  });

  it('should name a deleted record', async () => {
    const records = chain(5);
    const original = head(records);
    records.splice(1, 1);
    const report = await verifyChain('u1', pages(records), undefined, original);
    expect(report.broken).toMatchObject({ seq: 2, id: null, reason: expect.stringMatching(/missing/) });
  });

  it('should name a swapped pair', async () => {
    const records = chain(5);
    const original = head(records);
    // Swap the contents of records 2 and 3 but keep their positions (seq) in the chain.
    const a = records[1];
    const b = records[2];
    records[1] = { ...b, seq: 2 };
    records[2] = { ...a, seq: 3 };
    const report = await verifyChain('u1', pages(records), undefined, original);
    expect(report.broken).toMatchObject({ seq: 2, reason: expect.stringMatching(/previous-hash/) });
  });

  it('should notice that the last records were removed', async () => {
    const records = chain(5);
    const original = head(records);
    const report = await verifyChain('u1', pages(records.slice(0, 3)), undefined, original);
    expect(report.broken).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/last records were removed/),
    });
  });

  it('should continue from a retention anchor', async () => {
    const records = chain(5);
    const start = { seq: 2, hash: records[1].hash };
    const report = await verifyChain('u1', pages(records.slice(2)), start, head(records));
    expect(report).toMatchObject({ checked: 3, broken: null });
  });
});
