/** The columns of an interaction record a report reads (never the reply text). */
export interface ReportRow {
  id: number;
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
  replyKeys: string;
  contentVersion: string;
  planItems: string;
  outcome: string;
  satisfaction: string | null;
  latencyMs: number;
  hash: string;
}
