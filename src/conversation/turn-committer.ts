import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { backgroundSlice } from '../common/event-loop-slice';
import { GroupCommit, type Settled } from '../common/group-commit';
import { DatabaseService } from '../database/database.service';
import { InteractionsService, type InteractionDraft } from '../interactions/interactions.service';

/** What one turn writes: its state, outbox and inbox rows, and its evidence record. */
export interface TurnWrite {
  /**
   * Everything but the record, inside the batch's transaction. It may run twice (the batch undone,
   * then alone), so it writes only from what the turn decided and changes nothing in memory.
   */
  write(manager: EntityManager): Promise<void>;
  record: InteractionDraft | null;
}

const OK: Settled<void> = { ok: true, value: undefined };

/**
 * Commits the turns that finish together in one transaction. A turn that fails (a lost lease, a
 * concurrent turn) undoes the batch, whose turns are then committed one by one; the evidence
 * records of the turns that held are appended last, so a unit's chain head is locked only from the
 * append to the commit, once per batch, not once per turn.
 */
@Injectable()
export class TurnCommitter {
  /** Turns under way (between during()'s start and end), those waiting on a commit included. */
  private active = 0;
  private waiting = 0;
  // A batch is committed once every turn under way waits on it: the turns one commit released,
  // and that take the event loop one after the other, commit together again.
  private readonly group = new GroupCommit<TurnWrite, void>(
    (turns) => this.flush(turns),
    // A batch's statements run without a break on a synchronous driver: bounded, so webhooks wait
    // at most a few milliseconds.
    {
      maxBatch: 12,
      ready: () => this.waiting >= this.active,
      loopTurn: () => backgroundSlice.nextLoopTurn(),
    },
  );

  constructor(
    private readonly db: DatabaseService,
    private readonly interactions: InteractionsService,
  ) {}

  /** Runs a turn, counting it as under way until it ends (committed, failed or with nothing to write). */
  async during<T>(turn: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await turn();
    } finally {
      this.active--;
    }
  }

  /** Resolves once the turn is committed; rejects with the turn's own error. */
  async commit(turn: TurnWrite): Promise<void> {
    this.waiting++;
    try {
      await this.group.add(turn);
    } finally {
      this.waiting--;
    }
  }

  private async flush(turns: TurnWrite[]): Promise<Settled<void>[]> {
    if (turns.length === 1) {
      await this.alone(turns[0]);
      return [OK];
    }
    try {
      await this.db.transaction(async (manager) => {
        const records: InteractionDraft[] = [];
        for (const turn of turns) {
          await turn.write(manager);
          if (turn.record) records.push(turn.record);
        }
        await this.interactions.appendMany(manager, records);
      });
      return turns.map(() => OK);
    } catch {
      // A turn failed (a lost lease, a concurrent turn), or the append or the commit did: the batch
      // is undone and each turn runs alone, so only a bad one fails. No savepoint per turn: turns
      // rarely fail, and on PostgreSQL two savepoint statements were a third of a turn's round trips.
      return Promise.all(
        turns.map((turn) =>
          this.alone(turn).then(
            () => OK,
            (error: unknown) => ({ ok: false as const, error }),
          ),
        ),
      );
    }
  }

  private alone(turn: TurnWrite): Promise<void> {
    return this.db.transaction(async (manager) => {
      await turn.write(manager);
      if (turn.record) await this.interactions.appendMany(manager, [turn.record]);
    });
  }
}
