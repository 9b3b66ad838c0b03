import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { InteractionRecordEntity } from './interaction-record.entity';

export type StatDimension =
  'day' | 'intent' | 'channel' | 'language' | 'outcome' | 'satisfaction' | 'planItems';

export interface TurnFilter {
  unitIds: string[];
  from: Date;
  /** Exclusive. */
  to: Date;
  channel?: string;
  language?: string;
  intent?: string;
  outcome?: string;
  /** Words searched in the redacted user and reply texts. */
  search?: string;
  /** Keyset: records with a smaller id (newest first). */
  beforeId?: number;
  /** Only turns whose (redacted) user text was kept. */
  withText?: boolean;
  limit: number;
}

export type TurnRow = Pick<
  InteractionRecordEntity,
  | 'id'
  | 'unitId'
  | 'occurredAt'
  | 'channel'
  | 'conversationId'
  | 'language'
  | 'intent'
  | 'topic'
  | 'outcome'
  | 'userText'
  | 'replyText'
  | 'satisfaction'
>;

const TURN_COLUMNS = [
  'id',
  'unitId',
  'occurredAt',
  'channel',
  'conversationId',
  'language',
  'intent',
  'topic',
  'outcome',
  'userText',
  'replyText',
  'satisfaction',
];

/** Turns of one unit a text search looks through (newest first): LIKE has no index. */
export const SEARCH_WINDOW = 10_000;
const MARGIN_MS = 3600_000;

/** Reads for the console: aggregates from the daily roll-up, filtered pages of turns. Never writes. */
@Injectable()
export class InteractionQueryRepository {
  constructor(private readonly db: DatabaseService) {}

  async stats(
    unitIds: string[],
    fromDay: number,
    toDay: number,
    dimension: StatDimension,
  ): Promise<{ key: string; count: number }[]> {
    if (!unitIds.length) return [];
    // Per day: the outcome counters, which every record has exactly one of.
    const key = dimension === 'day' ? 's."day"' : 's."value"';
    const rows = await this.db.manager
      .createQueryBuilder()
      .select(key, 'key')
      .addSelect('SUM(s."count")', 'count')
      .from('interaction_daily_stat', 's')
      .where('s."dimension" = :dimension', { dimension: dimension === 'day' ? 'outcome' : dimension })
      .andWhere('s."unitId" IN (:...unitIds) AND s."day" >= :fromDay AND s."day" < :toDay', {
        unitIds,
        fromDay,
        toDay,
      })
      .groupBy(key)
      .orderBy(dimension === 'day' ? 'key' : 'count', dimension === 'day' ? 'ASC' : 'DESC')
      .getRawMany<{ key: string | number; count: string | number }>();
    return rows.map((r) => ({ key: String(r.key), count: Number(r.count) }));
  }

  /**
   * Newest first. Each unit is read on its own, walking an index on (unitId[, outcome|intent], id)
   * backwards between id bounds found from the time index, so a page costs about its own rows
   * however large the log; a text search looks at the newest SEARCH_WINDOW turns per unit only.
   */
  async turns(filter: TurnFilter): Promise<{ rows: TurnRow[]; capped: boolean }> {
    const parts = await Promise.all(filter.unitIds.map((unitId) => this.turnsOfUnit(unitId, filter)));
    return {
      rows: parts
        .flatMap((p) => p.rows)
        .sort((a, b) => b.id - a.id)
        .slice(0, filter.limit),
      capped: parts.some((p) => p.capped),
    };
  }

  private async turnsOfUnit(
    unitId: string,
    filter: TurnFilter,
  ): Promise<{ rows: TurnRow[]; capped: boolean }> {
    const bounds = await this.idBounds(unitId, filter.from, filter.to);
    if (!bounds) return { rows: [], capped: false };
    let { lo } = bounds;
    const hi = Math.min(bounds.hi, (filter.beforeId ?? Number.MAX_SAFE_INTEGER) - 1);
    let capped = false;
    if (filter.search) {
      const floor = await this.nthIdBelow(unitId, hi, SEARCH_WINDOW);
      if (floor !== null && floor > lo) {
        lo = floor;
        capped = true;
      }
    }
    const qb = this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .select(TURN_COLUMNS.map((c) => `r.${c}`))
      .where('r.unitId = :unitId AND r.id >= :lo AND r.id <= :hi', { unitId, lo, hi })
      // "+ 0": the time condition is checked, but must not steer the planner away from the id order.
      .andWhere('r.occurredAt + 0 >= :from AND r.occurredAt + 0 < :to', {
        from: filter.from.getTime(),
        to: filter.to.getTime(),
      })
      .orderBy('r.id', 'DESC')
      .limit(filter.limit);
    for (const key of ['channel', 'language', 'intent', 'outcome'] as const) {
      if (filter[key]) qb.andWhere(`r.${key} = :${key}`, { [key]: filter[key] });
    }
    if (filter.withText) qb.andWhere('r.userText IS NOT NULL');
    if (filter.search) {
      const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(LOWER(r.userText) LIKE :pattern ESCAPE '\\' OR LOWER(r.replyText) LIKE :pattern ESCAPE '\\')`,
        { pattern },
      );
    }
    return { rows: await qb.getMany(), capped };
  }

  /** Ids bracketing [from, to) for one unit, with an hour of margin for turns committed out of order. */
  private async idBounds(unitId: string, from: Date, to: Date): Promise<{ lo: number; hi: number } | null> {
    const edge = async (where: string, at: number, direction: 'ASC' | 'DESC') => {
      const row = await this.db.manager
        .getRepository(InteractionRecordEntity)
        .createQueryBuilder('r')
        .select('r.id', 'id')
        .where(`r.unitId = :unitId AND ${where}`, { unitId, at })
        .orderBy('r.occurredAt', direction)
        .addOrderBy('r.id', direction)
        .limit(1)
        .getRawOne<{ id: number | string }>();
      return row ? Number(row.id) : null;
    };
    const lo = await edge('r.occurredAt >= :at', from.getTime() - MARGIN_MS, 'ASC');
    const hi = await edge('r.occurredAt < :at', to.getTime() + MARGIN_MS, 'DESC');
    return lo === null || hi === null || lo > hi ? null : { lo, hi };
  }

  private async nthIdBelow(unitId: string, hi: number, n: number): Promise<number | null> {
    const row = await this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where('r.unitId = :unitId AND r.id <= :hi', { unitId, hi })
      .orderBy('r.id', 'DESC')
      .offset(n)
      .limit(1)
      .getRawOne<{ id: number | string }>();
    return row ? Number(row.id) : null;
  }

  byConversation(conversationId: string, limit: number): Promise<TurnRow[]> {
    return this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .select(TURN_COLUMNS.map((c) => `r.${c}`))
      .where('r.conversationId = :conversationId', { conversationId })
      .orderBy('r.seq', 'DESC')
      .limit(limit)
      .getMany();
  }

  turn(id: number): Promise<TurnRow | null> {
    return this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .select(TURN_COLUMNS.map((c) => `r.${c}`))
      .where('r.id = :id', { id })
      .getOne();
  }

  /** The most recent fallbacks whose (redacted) text was kept. */
  async fallbacks(unitIds: string[], from: Date, to: Date, limit: number): Promise<TurnRow[]> {
    return (await this.turns({ unitIds, from, to, outcome: 'fallback', withText: true, limit })).rows;
  }
}
