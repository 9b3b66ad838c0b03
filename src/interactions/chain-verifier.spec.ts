import { ChainCheck } from './chain-verifier';
import { chainHash, GENESIS_HASH, type ChainedContent } from './hash-chain';
import type { LogRecord } from './log-record';
import type { Audience } from '../messaging/audience';

/** `audiences[i]` for record i + 1; undefined = a record written before the audience field existed. */
function chain(n: number, audiences: (Audience | undefined)[] = []): LogRecord[] {
  const records: LogRecord[] = [];
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
    records.push({ ...content, id: seq, hash });
    prev = hash;
  }
  return records;
}

/** The records through a check, as a read of the log feeds them. */
function checkAll(
  unitId: string,
  records: LogRecord[],
  start: { seq: number; hash: string } | undefined,
  recordedHead: { seq: number; hash: string } | null,
) {
  const check = new ChainCheck(unitId, start);
  for (const record of records) check.add(record);
  return check.end(recordedHead);
}

const head = (records: LogRecord[]) => ({
  seq: records[records.length - 1].seq,
  hash: records[records.length - 1].hash,
});

describe(ChainCheck.name, () => {
  it('should accept an intact chain and report its head', () => {
    const records = chain(5);
    const report = checkAll('u1', records, undefined, head(records));
    expect(report).toMatchObject({ checked: 5, headSeq: 5, headHash: records[4].hash, broken: null });
  });

  it('should accept older records without an audience beside newer ones with it', () => {
    const records = chain(4, [undefined, undefined, 'playground', 'public']);
    expect(records.map((r) => r.audience)).toEqual([undefined, undefined, 'playground', 'public']);
    const report = checkAll('u1', records, undefined, head(records));
    expect(report).toMatchObject({ checked: 4, broken: null });
  });

  it.each([
    ['a playground turn made public', 'playground', 'public'],
    ['a playground turn stripped of its mark', 'playground', null],
    ['a public turn made playground', 'public', 'playground'],
  ] as const)('should name %s as edited', (_name, from, to) => {
    const records = chain(3, [undefined, from, undefined]);
    const original = head(records);
    // A NULL audience reads back absent.
    records[1] = { ...records[1], audience: to ?? undefined };
    const report = checkAll('u1', records, undefined, original);
    expect(report.broken).toMatchObject({ seq: 2, reason: expect.stringMatching(/edited/) });
  });

  it('should name an edited record', () => {
    const records = chain(5);
    const original = head(records);
    records[2] = { ...records[2], userText: 'câu hỏi đã sửa' };
    const report = checkAll('u1', records, undefined, original);
    expect(report.broken).toMatchObject({ seq: 3, id: 3, reason: expect.stringMatching(/edited/) });
    expect(report.checked).toBe(2);
  });

  it('should name an edited record even when the editor recomputed its own hash', () => {
    const records = chain(5);
    const original = head(records);
    const { id: _id, hash: _hash, ...content } = records[2];
    const forged = { ...content, userText: 'khác' };
    records[2] = { ...records[2], userText: 'khác', hash: chainHash(records[2].prevHash, forged) };
    const report = checkAll('u1', records, undefined, original);
    expect(report.broken).toMatchObject({ seq: 4, reason: expect.stringMatching(/previous-hash/) });
  });

  it('should name a deleted record', () => {
    const records = chain(5);
    const original = head(records);
    records.splice(1, 1);
    const report = checkAll('u1', records, undefined, original);
    expect(report.broken).toMatchObject({ seq: 2, id: null, reason: expect.stringMatching(/missing/) });
  });

  it('should name a swapped pair', () => {
    const records = chain(5);
    const original = head(records);
    // Swap the contents of records 2 and 3 but keep their positions (seq) in the chain.
    const a = records[1];
    const b = records[2];
    records[1] = { ...b, seq: 2 };
    records[2] = { ...a, seq: 3 };
    const report = checkAll('u1', records, undefined, original);
    expect(report.broken).toMatchObject({ seq: 2, reason: expect.stringMatching(/previous-hash/) });
  });

  it('should notice that the last records were removed', () => {
    const records = chain(5);
    const original = head(records);
    const report = checkAll('u1', records.slice(0, 3), undefined, original);
    expect(report.broken).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/last records were removed/),
    });
  });

  it('should continue from a retention anchor', () => {
    const records = chain(5);
    const start = { seq: 2, hash: records[1].hash };
    const report = checkAll('u1', records.slice(2), start, head(records));
    expect(report).toMatchObject({ checked: 3, broken: null });
  });
});
