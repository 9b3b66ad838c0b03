import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { CampaignRecipientEntity, type RecipientState } from './campaign-recipient.entity';
import { CampaignEntity } from './campaign.entity';

export interface RecipientCountRow {
  campaignId: number;
  channel: string;
  state: RecipientState;
  count: number;
}

/** States that are an outcome (pending and queued are still under way: no period has them yet). */
const SETTLED: RecipientState[] = ['outside_window', 'not_subscribed', 'failed', 'unreachable'];

/** Reads of campaigns and their recipients for the period reports and the dashboard. Never writes. */
@Injectable()
export class CampaignReportRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Recipients per campaign, channel and state whose outcome fell in [from, to): 'sent' by its
   * sentAt, the other outcomes by the time they were decided (updatedAt).
   */
  async recipientCounts(unitIds: string[], from: Date, to: Date): Promise<RecipientCountRow[]> {
    if (!unitIds.length) return [];
    const rows = await this.db.manager
      .getRepository(CampaignRecipientEntity)
      .createQueryBuilder('r')
      .select('r.campaignId', 'campaignId')
      .addSelect('r.channel', 'channel')
      .addSelect('r.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .where('r.unitId IN (:...unitIds)', { unitIds })
      .andWhere(
        `((r.state = 'sent' AND r.sentAt >= :from AND r.sentAt < :to) OR
          (r.state IN (:...settled) AND r.updatedAt >= :from AND r.updatedAt < :to))`,
        { from: from.getTime(), to: to.getTime(), settled: SETTLED },
      )
      .groupBy('r.campaignId')
      .addGroupBy('r.channel')
      .addGroupBy('r.state')
      .orderBy('r.campaignId', 'ASC')
      .addOrderBy('r.channel', 'ASC')
      .addOrderBy('r.state', 'ASC')
      .getRawMany<{
        campaignId: number | string;
        channel: string;
        state: RecipientState;
        count: number | string;
      }>();
    return rows.map((r) => ({
      campaignId: Number(r.campaignId),
      channel: r.channel,
      state: r.state,
      count: Number(r.count),
    }));
  }

  /** Campaigns started in [from, to), and those named (which had recipients in it), oldest first. */
  async campaigns(unitIds: string[], from: Date, to: Date, ids: number[]): Promise<CampaignEntity[]> {
    if (!unitIds.length) return [];
    const qb = this.db.manager
      .getRepository(CampaignEntity)
      .createQueryBuilder('c')
      .select([
        'c.id',
        'c.unitId',
        'c.title',
        'c.planItem',
        'c.status',
        'c.approvedBy',
        'c.approvedAt',
        'c.startedAt',
        'c.finishedAt',
      ])
      .where('c.unitId IN (:...unitIds)', { unitIds });
    const started = 'c.startedAt >= :from AND c.startedAt < :to';
    const params = { from: from.getTime(), to: to.getTime() };
    if (ids.length) qb.andWhere(`((${started}) OR c.id IN (:...ids))`, { ...params, ids });
    else qb.andWhere(started, params);
    return qb.orderBy('c.startedAt', 'ASC').addOrderBy('c.id', 'ASC').getMany();
  }
}
