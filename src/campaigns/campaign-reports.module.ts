import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { CampaignRecipientEntity } from './campaign-recipient.entity';
import { CampaignReportRepository } from './campaign-report.repository';
import { CampaignReportService } from './campaign-report.service';
import { CampaignEntity } from './campaign.entity';

/** Read-only access to campaigns and their recipients for the reports and the console dashboard. */
@Module({
  imports: [TypeOrmModule.forFeature([CampaignEntity, CampaignRecipientEntity]), DatabaseModule],
  providers: [CampaignReportRepository, CampaignReportService],
  exports: [CampaignReportService],
})
export class CampaignReportsModule {}
