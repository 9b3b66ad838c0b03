import { Injectable } from '@nestjs/common';
import {
  InteractionQueryRepository,
  type StatDimension,
  type TurnFilter,
  type TurnRow,
} from './interaction-query.repository';

export type { StatDimension, TurnFilter, TurnRow };

/** Local (UTC+7) day number of an instant, as the daily roll-up stores it. */
export function localDayNumber(at: Date): number {
  return Math.floor((at.getTime() + 7 * 3600_000) / 86_400_000);
}

export function dayNumberToIso(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Read-only views of the interaction log for the staff console. */
@Injectable()
export class InteractionQueryService {
  constructor(private readonly repository: InteractionQueryRepository) {}

  /** Counts per value of one dimension over [fromDay, toDay) local days. */
  stats(unitIds: string[], fromDay: number, toDay: number, dimension: StatDimension) {
    return this.repository.stats(unitIds, fromDay, toDay, dimension);
  }

  /** capped: a text search did not look further back than SEARCH_WINDOW turns per unit. */
  turns(filter: TurnFilter): Promise<{ rows: TurnRow[]; capped: boolean }> {
    return this.repository.turns({ ...filter, limit: Math.min(Math.max(filter.limit, 1), 200) });
  }

  /** The latest turns of a conversation, oldest first. */
  async transcript(conversationId: string, limit = 500): Promise<TurnRow[]> {
    return (await this.repository.byConversation(conversationId, limit)).reverse();
  }

  turn(id: number): Promise<TurnRow | null> {
    return this.repository.turn(id);
  }

  fallbacks(unitIds: string[], from: Date, to: Date, limit = 500): Promise<TurnRow[]> {
    return unitIds.length ? this.repository.fallbacks(unitIds, from, to, limit) : Promise.resolve([]);
  }
}
