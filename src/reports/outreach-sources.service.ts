import { Injectable } from '@nestjs/common';
import { CampaignReportService } from '../campaigns/campaign-report.service';
import { ComplaintsService } from '../complaints/complaints.service';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import type { OutreachInput } from './outreach-figures';

/** Gathers a period's outreach input from the modules that own it, for the reports and the dashboard. */
@Injectable()
export class OutreachSources {
  constructor(
    private readonly campaigns: CampaignReportService,
    private readonly complaints: ComplaintsService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  async forPeriod(unitIds: string[], from: Date, to: Date): Promise<OutreachInput> {
    const [campaigns, notices, subscriptions] = await Promise.all([
      this.campaigns.forPeriod(unitIds, from, to),
      this.complaints.noticesSent(unitIds, from, to),
      this.subscriptions.periodCounts(unitIds, from, to),
    ]);
    return { campaigns, noticesSent: notices.reduce((n, x) => n + x.count, 0), subscriptions };
  }
}
