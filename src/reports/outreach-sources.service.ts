import { Inject, Injectable, Optional } from '@nestjs/common';
import { CampaignReportService } from '../campaigns/campaign-report.service';
import { ComplaintsService } from '../complaints/complaints.service';
import { SUBSCRIPTION_COUNTS, type OutreachInput, type SubscriptionCountsSource } from './outreach-figures';

/** Gathers a period's outreach input from the modules that own it, for the reports and the dashboard. */
@Injectable()
export class OutreachSources {
  constructor(
    private readonly campaigns: CampaignReportService,
    private readonly complaints: ComplaintsService,
    // Until the subscriptions module provides it, opt-ins and opt-outs are "not available", not 0.
    @Optional()
    @Inject(SUBSCRIPTION_COUNTS)
    private readonly subscriptions: SubscriptionCountsSource | null = null,
  ) {}

  async forPeriod(unitIds: string[], from: Date, to: Date): Promise<OutreachInput> {
    const [campaigns, notices, subscriptions] = await Promise.all([
      this.campaigns.forPeriod(unitIds, from, to),
      this.complaints.noticesSent(unitIds, from, to),
      this.subscriptions ? this.subscriptions.periodCounts(unitIds, from, to) : Promise.resolve(null),
    ]);
    return { campaigns, noticesSent: notices.reduce((n, x) => n + x.count, 0), subscriptions };
  }
}
