import { chainHash, GENESIS_HASH, type ChainedContent } from './hash-chain';
import type { InteractionRecordEntity } from './interaction-record.entity';

export interface ChainBreak {
  seq: number;
  id: number | null;
  reason: string;
}

export interface ChainReport {
  unitId: string;
  checked: number;
  /** Seq and hash of the last record checked. */
  headSeq: number;
  headHash: string;
  broken: ChainBreak | null;
}

function contentOf(r: InteractionRecordEntity): ChainedContent {
  return {
    unitId: r.unitId,
    seq: r.seq,
    occurredAt: r.occurredAt.getTime(),
    channel: r.channel,
    conversationId: r.conversationId,
    userKey: r.userKey,
    language: r.language,
    intent: r.intent,
    topic: r.topic,
    confidence: r.confidence,
    userText: r.userText,
    replyText: r.replyText,
    replyKeys: r.replyKeys,
    contentVersion: r.contentVersion,
    planItems: r.planItems,
    outcome: r.outcome,
    satisfaction: r.satisfaction,
    latencyMs: r.latencyMs,
    inboxEventId: r.inboxEventId,
    // NULL (an older record) must stay absent from the content, not become "audience":null.
    audience: r.audience ?? undefined,
    prevHash: r.prevHash,
  };
}

/**
 * Recomputes one unit's chain in seq order and names the first broken record: a gap (a deleted
 * record), a prevHash that does not follow (records swapped or replaced), a hash that does not match
 * the content (an edited record), or a chain that ends before its recorded head (the last ones deleted).
 */
export async function verifyChain(
  unitId: string,
  pages: AsyncIterable<InteractionRecordEntity[]>,
  start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
  recordedHead: { seq: number; hash: string } | null,
): Promise<ChainReport> {
  let expectedSeq = start.seq + 1;
  let prev = start.hash;
  let checked = 0;
  const fail = (seq: number, id: number | null, reason: string): ChainReport => ({
    unitId,
    checked,
    headSeq: expectedSeq - 1,
    headHash: prev,
    broken: { seq, id, reason },
  });
  for await (const page of pages) {
    for (const record of page) {
      if (record.seq !== expectedSeq) {
        return fail(
          expectedSeq,
          null,
          `record ${expectedSeq} is missing (next record found: ${record.seq}, id ${record.id})`,
        );
      }
      if (record.prevHash !== prev)
        return fail(
          record.seq,
          record.id,
          'its previous-hash does not follow the record before it (records removed, swapped or replaced)',
        );
      const hash = chainHash(prev, contentOf(record));
      if (hash !== record.hash)
        return fail(record.seq, record.id, 'its content does not match its hash (the record was edited)');
      prev = hash;
      expectedSeq++;
      checked++;
    }
  }
  if (recordedHead && (recordedHead.seq !== expectedSeq - 1 || recordedHead.hash !== prev)) {
    return fail(
      expectedSeq,
      null,
      `the chain ends at ${expectedSeq - 1} but its head says ${recordedHead.seq}: the last records were removed`,
    );
  }
  return { unitId, checked, headSeq: expectedSeq - 1, headHash: prev, broken: null };
}
