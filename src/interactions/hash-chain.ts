import crypto, { createHash } from 'node:crypto';
import type { Audience } from '../messaging/audience';

export const GENESIS_HASH = '0'.repeat(64);

export type RecordKind = 'campaign';

/** The fields a record's hash covers: everything but its row id and its own hash. */
export interface ChainedContent {
  unitId: string;
  seq: number;
  occurredAt: number;
  channel: string;
  conversationId: string;
  userKey: string;
  language: string;
  intent: string;
  topic: string | null;
  confidence: number | null;
  userText: string | null;
  replyText: string;
  replyKeys: string[];
  contentVersion: string;
  planItems: string;
  outcome: string;
  satisfaction: string | null;
  latencyMs: number;
  inboxEventId: number | null;
  /**
   * Chained, so a playground turn cannot be turned into counted evidence (or back) afterwards. Absent
   * on records written before the field existed: those are public, and their hash covers no key.
   */
  audience?: Audience;
  /** Absent on a turn (every record before campaigns was one); 'campaign' for a campaign message sent. */
  kind?: RecordKind;
  prevHash: string;
}

/** JSON with keys sorted at every level: the same content always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** hash = SHA-256(previous hash ‖ canonical content), hex. */
export function chainHash(prevHash: string, content: ChainedContent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}

const isString = (value: unknown) => typeof value === 'string';

/**
 * canonicalJson(content) of the chained fields only (a row's id and hash are left out), made by one
 * JSON.stringify of an object written with its keys already in sorted order: no sort and no string
 * pieces per record, for the verifier that hashes a million records per report. Reply keys that are
 * not plain strings (a damaged record) go through canonicalJson itself.
 */
export function contentJson(c: ChainedContent): string {
  const sorted = {
    audience: c.audience,
    channel: c.channel,
    confidence: c.confidence,
    contentVersion: c.contentVersion,
    conversationId: c.conversationId,
    inboxEventId: c.inboxEventId,
    intent: c.intent,
    kind: c.kind,
    language: c.language,
    latencyMs: c.latencyMs,
    occurredAt: c.occurredAt,
    outcome: c.outcome,
    planItems: c.planItems,
    prevHash: c.prevHash,
    replyKeys: c.replyKeys,
    replyText: c.replyText,
    satisfaction: c.satisfaction,
    seq: c.seq,
    topic: c.topic,
    unitId: c.unitId,
    userKey: c.userKey,
    userText: c.userText,
  } satisfies Record<keyof ChainedContent, unknown>;
  return Array.isArray(c.replyKeys) && c.replyKeys.every(isString)
    ? JSON.stringify(sorted)
    : canonicalJson(sorted);
}

// crypto.hash() (Node 20.12+) hashes in one call, without a Hash object per record.
const sha256Hex: (data: string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** chainHash() of a record read back from the log. */
export function recordHash(prevHash: string, content: ChainedContent): string {
  return sha256Hex(prevHash + contentJson(content));
}

export function roundConfidence(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Math.round(value * 10000) / 10000;
}
