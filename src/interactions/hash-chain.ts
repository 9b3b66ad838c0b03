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

export function roundConfidence(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Math.round(value * 10000) / 10000;
}
