import type { ChainedContent } from './hash-chain';

/**
 * A record as the log is read back for the chain check and the reports: raw columns, no entity, its
 * chained content as it was hashed (an absent audience stays absent), plus the row id and its hash.
 */
export type LogRecord = ChainedContent & { id: number; hash: string };
