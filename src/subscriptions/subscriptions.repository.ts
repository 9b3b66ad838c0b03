import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { readNumber, readText } from '../database/columns-read';
import { DatabaseService } from '../database/database.service';
import { SubscriptionEntity } from './subscription.entity';

export interface SubscriptionPeriodRow {
  unitId: string;
  channel: string;
  optIns: number;
  optOuts: number;
  active: number;
}

@Injectable()
export class SubscriptionsRepository {
  constructor(private readonly db: DatabaseService) {}

  findByConversation(
    conversationId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<SubscriptionEntity | null> {
    return manager.findOne(SubscriptionEntity, { where: { conversationId } });
  }

  /** Whether the conversation has a subscription row (subscribed or opted out): one indexed probe. */
  async existsForConversation(conversationId: string): Promise<boolean> {
    const rows = await this.db.manager.query<unknown[]>(
      `SELECT 1 FROM "subscription" WHERE "conversationId" = ${this.db.param(1)} LIMIT 1`,
      [conversationId],
    );
    return rows.length > 0;
  }

  save(manager: EntityManager, row: Partial<SubscriptionEntity>): Promise<SubscriptionEntity> {
    return manager.save(manager.create(SubscriptionEntity, row));
  }

  async removeForConversation(manager: EntityManager, conversationId: string): Promise<number> {
    const { affected } = await manager.delete(SubscriptionEntity, { conversationId });
    return affected ?? 0;
  }

  /**
   * Per unit and channel. Each row holds a conversation's latest opt-in and opt-out only, so a
   * re-subscription counts once and "active at `to`" is read from those two instants.
   */
  async periodCounts(unitIds: string[], from: Date, to: Date): Promise<SubscriptionPeriodRow[]> {
    if (!unitIds.length) return [];
    // SQLite's "?" are positional: every use of a value is its own parameter.
    const params: unknown[] = [];
    const bind = (value: unknown) => (params.push(value), this.db.param(params.length));
    const [f, t] = [from.getTime(), to.getTime()];
    const sql = `SELECT "unitId", "channel",
         SUM(CASE WHEN "consentAt" >= ${bind(f)} AND "consentAt" < ${bind(t)} THEN 1 ELSE 0 END) AS "optIns",
         SUM(CASE WHEN "unsubscribedAt" >= ${bind(f)} AND "unsubscribedAt" < ${bind(t)} THEN 1 ELSE 0 END) AS "optOuts",
         SUM(CASE WHEN "consentAt" < ${bind(t)} AND ("unsubscribedAt" IS NULL OR "unsubscribedAt" < "consentAt"
           OR "unsubscribedAt" >= ${bind(t)}) THEN 1 ELSE 0 END) AS "active"
       FROM "subscription" WHERE "unitId" IN (${unitIds.map(bind).join(', ')})
       GROUP BY "unitId", "channel" ORDER BY "unitId", "channel"`;
    const rows = await this.db.manager.query<Record<string, unknown>[]>(sql, params);
    return rows.map((r) => ({
      unitId: readText(r.unitId) ?? '',
      channel: readText(r.channel) ?? '',
      optIns: readNumber(r.optIns ?? 0),
      optOuts: readNumber(r.optOuts ?? 0),
      active: readNumber(r.active ?? 0),
    }));
  }
}
