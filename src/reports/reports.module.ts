import { Module } from '@nestjs/common';
import { CampaignReportsModule } from '../campaigns/campaign-reports.module';
import { ComplaintsModule } from '../complaints/complaints.module';
import { I18nModule } from '../i18n/i18n.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { UnitsModule } from '../units/units.module';
import { ReportsService } from './reports.service';

@Module({
  imports: [InteractionsModule, ComplaintsModule, UnitsModule, I18nModule, CampaignReportsModule],
  providers: [ReportsService],
  exports: [ReportsService],
})
export class ReportsModule {}
