import { createHash } from 'node:crypto';
import type { Audience } from '../messaging/audience';

export const GENESIS_HASH = '0'.repeat(64);

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

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const CONTENT_KEYS: readonly (keyof ChainedContent)[] = (
  [
    'unitId',
    'seq',
    'occurredAt',
    'channel',
    'conversationId',
    'userKey',
    'language',
    'intent',
    'topic',
    'confidence',
    'userText',
    'replyText',
    'replyKeys',
    'contentVersion',
    'planItems',
    'outcome',
    'satisfaction',
    'latencyMs',
    'inboxEventId',
    'audience',
    'prevHash',
  ] satisfies (keyof ChainedContent)[]
).sort(byCodeUnit);
const KEY_PREFIXES = CONTENT_KEYS.map((k) => `${JSON.stringify(k)}:`);

/**
 * canonicalJson(content) of the chained fields only (a row's id and hash are ignored), with the key
 * order fixed once instead of sorted per record: the verifier hashes a million records per report.
 */
export function contentJson(content: ChainedContent): string {
  let out = '';
  for (let i = 0; i < CONTENT_KEYS.length; i++) {
    const value = content[CONTENT_KEYS[i]];
    if (value === undefined) continue;
    out += `${out ? ',' : '{'}${KEY_PREFIXES[i]}${canonicalJson(value)}`;
  }
  return out ? `${out}}` : '{}';
}

/** chainHash() of a record read back from the log. */
export function recordHash(prevHash: string, content: ChainedContent): string {
  return createHash('sha256').update(prevHash).update(contentJson(content)).digest('hex');
}

export function roundConfidence(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Math.round(value * 10000) / 10000;
}
