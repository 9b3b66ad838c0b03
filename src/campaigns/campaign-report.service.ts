import { Injectable } from '@nestjs/common';
import type { CampaignRecipientEntity } from './campaign-recipient.entity';
import type { CampaignEntity } from './campaign.entity';
import { CampaignReportRepository } from './campaign-report.repository';

export interface CampaignOfPeriod extends Pick<
  CampaignEntity,
  'id' | 'unitId' | 'title' | 'planItem' | 'status' | 'approvedBy' | 'approvedAt' | 'startedAt' | 'finishedAt'
> {
  /** Recipients whose outcome fell in the period, per channel and state (none: the row is absent). */
  recipients: { channel: string; state: CampaignRecipientEntity['state']; count: number }[];
}

/** What the reports and the dashboard know of a period's campaigns: read-only. */
@Injectable()
export class CampaignReportService {
  constructor(private readonly repository: CampaignReportRepository) {}

  /** Campaigns started in [from, to) or with a recipient's outcome in it, with those outcomes counted. */
  async forPeriod(unitIds: string[], from: Date, to: Date): Promise<CampaignOfPeriod[]> {
    const counts = await this.repository.recipientCounts(unitIds, from, to);
    const ids = [...new Set(counts.map((c) => c.campaignId))];
    const campaigns = await this.repository.campaigns(unitIds, from, to, ids);
    return campaigns.map((c) => ({
      id: c.id,
      unitId: c.unitId,
      title: c.title,
      planItem: c.planItem,
      status: c.status,
      approvedBy: c.approvedBy,
      approvedAt: c.approvedAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      recipients: counts
        .filter((r) => r.campaignId === c.id)
        .map(({ channel, state, count }) => ({ channel, state, count })),
    }));
  }
}
