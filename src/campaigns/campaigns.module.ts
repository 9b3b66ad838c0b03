import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { I18nModule } from '../i18n/i18n.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OutboxModule } from '../outbox/outbox.module';
import { UnitsModule } from '../units/units.module';
import { CampaignRecipientEntity } from './campaign-recipient.entity';
import { CampaignRunner } from './campaign-runner';
import { CampaignRepository } from './campaign.repository';
import { CampaignEntity } from './campaign.entity';
import { CampaignsService } from './campaigns.service';

/** Proactive outreach: campaigns drafted, approved and sent within the platforms' rules. */
@Module({
  imports: [
    TypeOrmModule.forFeature([CampaignEntity, CampaignRecipientEntity]),
    DatabaseModule,
    UnitsModule,
    OutboxModule,
    InteractionsModule,
    I18nModule,
    MetricsModule,
  ],
  providers: [CampaignRepository, CampaignsService, CampaignRunner],
  exports: [CampaignsService, CampaignRunner],
})
export class CampaignsModule {}
