import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { readDate, readNumber, readText } from '../database/columns-read';
import { DatabaseService } from '../database/database.service';
import {
  CampaignRecipientEntity,
  type RecipientRoute,
  type RecipientState,
} from './campaign-recipient.entity';
import { CampaignEntity, type CampaignStatus } from './campaign.entity';

/** A pending recipient with what the send decision needs from its conversation. */
export interface PendingRecipient {
  id: number;
  conversationId: string;
  channel: string;
  recipientId: string;
  language: string;
  lastUserMessageAt: Date | null;
}

export interface AudienceFilter {
  unitId: string;
  channels: string[];
  language: string | null;
  topic: string | null;
}

export interface StateCount {
  channel: string;
  state: RecipientState;
  route: RecipientRoute | null;
  count: number;
}

/** Campaigns and their recipients; the audience is read from conversations and subscriptions. */
@Injectable()
export class CampaignRepository {
  constructor(private readonly db: DatabaseService) {}

  private sql(text: string): string {
    return this.db.kind === 'sqlite' ? text.replace(/\$\d+/g, '?') : text;
  }

  async insert(values: Omit<CampaignEntity, 'id'>): Promise<CampaignEntity> {
    const saved = await this.db.manager
      .getRepository(CampaignEntity)
      .save(Object.assign(new CampaignEntity(), values));
    return saved;
  }

  find(id: number): Promise<CampaignEntity | null> {
    return this.db.manager.getRepository(CampaignEntity).findOneBy({ id });
  }

  list(unitIds: string[], limit = 200): Promise<CampaignEntity[]> {
    if (!unitIds.length) return Promise.resolve([]);
    return this.db.manager
      .getRepository(CampaignEntity)
      .createQueryBuilder('c')
      .where('c.unitId IN (:...unitIds)', { unitIds })
      .orderBy('c.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** Moves a campaign on only from the states given: false when another change came first. */
  async transition(
    id: number,
    from: CampaignStatus[],
    set: Partial<Omit<CampaignEntity, 'id'>>,
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(CampaignEntity)
      .set(set)
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Approved campaigns that are due, sending ones of `owner`, and sending ones whose instance stopped holding them. */
  async due(now: Date, owner: string, limit = 10): Promise<CampaignEntity[]> {
    return this.db.manager
      .getRepository(CampaignEntity)
      .createQueryBuilder('c')
      .where(
        `(c.status = 'approved' AND c.scheduledAt IS NOT NULL AND c.scheduledAt <= :now)
          OR (c.status = 'sending' AND (c.leaseUntil IS NULL OR c.leaseUntil < :now OR c.owner = :owner))`,
        { now: now.getTime(), owner },
      )
      .orderBy('c.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Takes (or keeps) a campaign for `owner` until `until`; false when another instance holds it. */
  async lease(id: number, owner: string, now: Date, until: Date): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const affected = await this.db.execute(
        manager,
        this.sql(`UPDATE "campaign" SET "owner" = $1, "leaseUntil" = $2, "status" = 'sending',
            "startedAt" = COALESCE("startedAt", $3), "updatedAt" = $4
          WHERE "id" = $5 AND ("status" = 'approved' OR "status" = 'sending')
            AND "scheduledAt" IS NOT NULL AND "scheduledAt" <= $6
            AND ("owner" IS NULL OR "owner" = $7 OR "leaseUntil" IS NULL OR "leaseUntil" < $8)`),
        [owner, until.getTime(), now.getTime(), now.getTime(), id, now.getTime(), owner, now.getTime()],
      );
      return affected > 0;
    });
  }

  /**
   * Writes one recipient row per conversation of the audience (channels, language), pending when
   * subscribed (to the topic), not_subscribed otherwise. Idempotent: a second run adds nobody twice.
   */
  async expand(campaign: CampaignEntity, filter: AudienceFilter, now: Date): Promise<number> {
    if (!filter.channels.length) return 0;
    return this.db.transaction(async (manager) => {
      // In order of appearance: SQLite's ? placeholders are positional.
      const params: unknown[] = [campaign.id, filter.topic, filter.topic, now.getTime(), filter.unitId];
      const channelMarks = filter.channels.map((c) => {
        params.push(c);
        return `$${params.length}`;
      });
      let languageClause = '';
      if (filter.language) {
        params.push(filter.language);
        languageClause = ` AND c."language" = $${params.length}`;
      }
      const topicMatch = `(CAST($2 AS varchar) IS NULL OR s."topics" = '' OR s."topics" LIKE '%,' || CAST($3 AS varchar) || ',%')`;
      return this.db.execute(
        manager,
        this.sql(`INSERT INTO "campaign_recipient"
            ("campaignId", "unitId", "conversationId", "channel", "recipientId", "language", "state", "updatedAt")
          SELECT $1, c."unitId", c."id", c."channel", c."userId", c."language",
            CASE WHEN s."status" = 'subscribed' AND ${topicMatch} THEN 'pending' ELSE 'not_subscribed' END, $4
          FROM "conversation" c LEFT JOIN "subscription" s ON s."conversationId" = c."id"
          WHERE c."unitId" = $5 AND c."channel" IN (${channelMarks.join(', ')})${languageClause}
          ON CONFLICT ("campaignId", "conversationId") DO NOTHING`),
        params,
      );
    });
  }

  /** The next pending recipients of one channel, oldest first, with their conversation's window. */
  async pending(campaignId: number, channel: string, limit: number): Promise<PendingRecipient[]> {
    const rows = await this.db.manager.query<Record<string, unknown>[]>(
      this.sql(`SELECT r."id", r."conversationId", r."channel", r."recipientId", r."language",
          c."lastUserMessageAt" FROM "campaign_recipient" r
          LEFT JOIN "conversation" c ON c."id" = r."conversationId"
        WHERE r."campaignId" = $1 AND r."channel" = $2 AND r."state" = 'pending'
        ORDER BY r."id" LIMIT $3`),
      [campaignId, channel, limit],
    );
    return rows.map((r) => ({
      id: readNumber(r.id),
      conversationId: String(r.conversationId),
      channel: String(r.channel),
      recipientId: String(r.recipientId),
      language: String(r.language),
      lastUserMessageAt: readDate(r.lastUserMessageAt),
    }));
  }

  /** Moves a recipient from `from` only: false when it was already decided (by another run). */
  async setState(
    manager: EntityManager,
    id: number,
    from: RecipientState[],
    state: RecipientState,
    fields: {
      route?: RecipientRoute | null;
      outboxId?: number | null;
      reason?: string | null;
      sentAt?: Date | null;
    },
    now: Date,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(CampaignRecipientEntity)
      .set({ state, updatedAt: now, ...fields })
      .where('id = :id AND state IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  recipients(ids: number[], manager: EntityManager = this.db.manager): Promise<CampaignRecipientEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return manager
      .getRepository(CampaignRecipientEntity)
      .createQueryBuilder('r')
      .where('r.id IN (:...ids)', { ids })
      .getMany();
  }

  async counts(campaignId: number): Promise<StateCount[]> {
    const rows = await this.db.manager.query<Record<string, unknown>[]>(
      this.sql(`SELECT "channel", "state", "route", COUNT(*) AS "n" FROM "campaign_recipient"
        WHERE "campaignId" = $1 GROUP BY "channel", "state", "route" ORDER BY "channel", "state"`),
      [campaignId],
    );
    return rows.map((r) => ({
      channel: String(r.channel),
      state: String(r.state) as RecipientState,
      route: readText(r.route) as RecipientRoute | null,
      count: readNumber(r.n),
    }));
  }

  /** Recipients by state of several campaigns at once (the console's list). */
  async stateTotals(
    campaignIds: number[],
  ): Promise<{ campaignId: number; state: RecipientState; count: number }[]> {
    if (!campaignIds.length) return [];
    const marks = campaignIds.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.db.manager.query<Record<string, unknown>[]>(
      this.sql(`SELECT "campaignId", "state", COUNT(*) AS "n" FROM "campaign_recipient"
        WHERE "campaignId" IN (${marks}) GROUP BY "campaignId", "state"`),
      campaignIds,
    );
    return rows.map((r) => ({
      campaignId: readNumber(r.campaignId),
      state: String(r.state) as RecipientState,
      count: readNumber(r.n),
    }));
  }

  /** Recipients still to be sent or waiting for their delivery. */
  async open(campaignId: number): Promise<number> {
    const rows = await this.db.manager.query<{ n: string | number }[]>(
      this.sql(`SELECT COUNT(*) AS "n" FROM "campaign_recipient" WHERE "campaignId" = $1
        AND "state" IN ('pending', 'queued')`),
      [campaignId],
    );
    return readNumber(rows[0].n);
  }

  /** Zalo promotion messages a unit used since `from` (queued or sent: both spend the quota). */
  async promotionsSince(unitId: string, from: Date): Promise<number> {
    const rows = await this.db.manager.query<{ n: string | number }[]>(
      this.sql(`SELECT COUNT(*) AS "n" FROM "campaign_recipient" WHERE "unitId" = $1 AND "route" = 'promotion'
        AND "state" IN ('queued', 'sent') AND "updatedAt" >= $2`),
      [unitId, from.getTime()],
    );
    return readNumber(rows[0].n);
  }

  /** Conversations of the audience right now, by channel and rule, without writing anything (a dry run). */
  async preview(
    filter: AudienceFilter,
  ): Promise<{ channel: string; subscribed: boolean; lastUserMessageAt: Date | null }[]> {
    if (!filter.channels.length) return [];
    const params: unknown[] = [filter.topic, filter.topic, filter.unitId];
    const channelMarks = filter.channels.map((c) => {
      params.push(c);
      return `$${params.length}`;
    });
    let languageClause = '';
    if (filter.language) {
      params.push(filter.language);
      languageClause = ` AND c."language" = $${params.length}`;
    }
    const rows = await this.db.manager.query<Record<string, unknown>[]>(
      this.sql(`SELECT c."channel", c."lastUserMessageAt",
          CASE WHEN s."status" = 'subscribed' AND (CAST($1 AS varchar) IS NULL OR s."topics" = ''
            OR s."topics" LIKE '%,' || CAST($2 AS varchar) || ',%') THEN 1 ELSE 0 END AS "subscribed"
        FROM "conversation" c LEFT JOIN "subscription" s ON s."conversationId" = c."id"
        WHERE c."unitId" = $3 AND c."channel" IN (${channelMarks.join(', ')})${languageClause}`),
      params,
    );
    return rows.map((r) => ({
      channel: String(r.channel),
      subscribed: readNumber(r.subscribed) === 1,
      lastUserMessageAt: readDate(r.lastUserMessageAt),
    }));
  }
}
