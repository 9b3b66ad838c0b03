import { GENESIS_HASH, recordHash } from './hash-chain';
import type { LogRecord } from './log-record';

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

/**
 * Recomputes one unit's chain record by record, in seq order, and names the first broken record: a
 * gap (a deleted record), a prevHash that does not follow (records swapped or replaced), a hash that
 * does not match the content (an edited record), or a chain that ends before its recorded head (the
 * last ones deleted). Fed as the records stream past, so a report checks the chain in its one read.
 */
export class ChainCheck {
  private expectedSeq: number;
  private prev: string;
  private checked = 0;
  private broken: ChainBreak | null = null;

  constructor(
    private readonly unitId: string,
    start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
  ) {
    this.expectedSeq = start.seq + 1;
    this.prev = start.hash;
  }

  /** After the first break, records are no longer checked: what follows it proves nothing. */
  add(record: LogRecord): void {
    if (this.broken) return;
    if (record.seq !== this.expectedSeq) {
      this.broken = {
        seq: this.expectedSeq,
        id: null,
        reason: `record ${this.expectedSeq} is missing (next record found: ${record.seq}, id ${record.id})`,
      };
      return;
    }
    if (record.prevHash !== this.prev) {
      this.broken = {
        seq: record.seq,
        id: record.id,
        reason:
          'its previous-hash does not follow the record before it (records removed, swapped or replaced)',
      };
      return;
    }
    const hash = recordHash(this.prev, record);
    if (hash !== record.hash) {
      this.broken = {
        seq: record.seq,
        id: record.id,
        reason: 'its content does not match its hash (the record was edited)',
      };
      return;
    }
    this.prev = hash;
    this.expectedSeq++;
    this.checked++;
  }

  /** The verdict once every record up to `recordedHead` went through add(). */
  end(recordedHead: { seq: number; hash: string } | null): ChainReport {
    const lastSeq = this.expectedSeq - 1;
    if (!this.broken && recordedHead && (recordedHead.seq !== lastSeq || recordedHead.hash !== this.prev)) {
      this.broken = {
        seq: this.expectedSeq,
        id: null,
        reason: `the chain ends at ${lastSeq} but its head says ${recordedHead.seq}: the last records were removed`,
      };
    }
    return {
      unitId: this.unitId,
      checked: this.checked,
      headSeq: lastSeq,
      headHash: this.prev,
      broken: this.broken,
    };
  }
}
