import { Module } from '@nestjs/common';
import { BackupModule } from './backup/backup.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ChannelsModule } from './channels/channels.module';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { ConversationModule } from './conversation/conversation.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { UnitDetailsModule } from './unit-details/unit-details.module';
import { MetricsModule } from './metrics/metrics.module';

/** Feature modules only. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    UnitDetailsModule,
    ConversationModule,
    ChannelsModule,
    CampaignsModule,
    ConsoleModule,
    HealthModule,
    BackupModule,
    MetricsModule,
  ],
})
export class AppModule {}
