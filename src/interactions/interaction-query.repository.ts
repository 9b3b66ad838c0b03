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

  async turns(filter: TurnFilter): Promise<TurnRow[]> {
    if (!filter.unitIds.length) return [];
    const qb = this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .select(TURN_COLUMNS.map((c) => `r.${c}`))
      .where('r.unitId IN (:...unitIds)', { unitIds: filter.unitIds })
      .andWhere('r.occurredAt >= :from AND r.occurredAt < :to', {
        from: filter.from.getTime(),
        to: filter.to.getTime(),
      })
      .orderBy('r.id', 'DESC')
      .limit(filter.limit);
    for (const key of ['channel', 'language', 'intent', 'outcome'] as const) {
      if (filter[key]) qb.andWhere(`r.${key} = :${key}`, { [key]: filter[key] });
    }
    if (filter.beforeId) qb.andWhere('r.id < :beforeId', { beforeId: filter.beforeId });
    if (filter.search) {
      const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(LOWER(r.userText) LIKE :pattern ESCAPE '\\' OR LOWER(r.replyText) LIKE :pattern ESCAPE '\\')`,
        {
          pattern,
        },
      );
    }
    return qb.getMany();
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

  /** Full records of a unit in chain order (verification, exports). */
  chainPage(unitId: string, afterSeq: number, limit: number): Promise<InteractionRecordEntity[]> {
    return this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .where('r.unitId = :unitId AND r.seq > :afterSeq', { unitId, afterSeq })
      .orderBy('r.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The most recent fallbacks whose (redacted) text was kept. */
  fallbacks(unitIds: string[], from: Date, to: Date, limit: number): Promise<TurnRow[]> {
    return this.turns({ unitIds, from, to, outcome: 'fallback', limit }).then((rows) =>
      rows.filter((r) => r.userText),
    );
  }
}
