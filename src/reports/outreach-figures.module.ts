import { Module } from '@nestjs/common';
import { CampaignReportsModule } from '../campaigns/campaign-reports.module';
import { ComplaintsModule } from '../complaints/complaints.module';
import { OutreachSources } from './outreach-sources.service';

/**
 * The period's outreach input for the reports and the console. Opt-ins and opt-outs: import the
 * subscriptions module here and provide SUBSCRIPTION_COUNTS with its SubscriptionsService.
 */
@Module({
  imports: [CampaignReportsModule, ComplaintsModule],
  providers: [OutreachSources],
  exports: [OutreachSources],
})
export class OutreachFiguresModule {}
