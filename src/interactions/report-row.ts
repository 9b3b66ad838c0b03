import type { ChainedContent } from './hash-chain';

/**
 * The columns of an interaction record a report reads: the chained content without the reply text
 * (its keys say what was sent), plus the row id and hash. replyKeys stays the stored JSON text.
 */
export type ReportRow = Omit<ChainedContent, 'replyText' | 'replyKeys' | 'inboxEventId' | 'prevHash'> & {
  id: number;
  replyKeys: string;
  hash: string;
};
