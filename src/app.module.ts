import { Module } from '@nestjs/common';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ChannelsModule } from './channels/channels.module';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { ConversationModule } from './conversation/conversation.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

/** Feature modules only. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    ConversationModule,
    ChannelsModule,
    CampaignsModule,
    ConsoleModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
