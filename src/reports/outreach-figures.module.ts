import { Module } from '@nestjs/common';
import { CampaignReportsModule } from '../campaigns/campaign-reports.module';
import { ComplaintsModule } from '../complaints/complaints.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { OutreachSources } from './outreach-sources.service';

/** The period's outreach input (campaigns, ticket notices, subscriptions) for the reports and the console. */
@Module({
  imports: [CampaignReportsModule, ComplaintsModule, SubscriptionsModule],
  providers: [OutreachSources],
  exports: [OutreachSources],
})
export class OutreachFiguresModule {}
