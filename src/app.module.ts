import { Module } from '@nestjs/common';
import { ChannelsModule } from './channels/channels.module';
import { ConfigModule } from './config/config.module';
import { ConversationModule } from './conversation/conversation.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

/** Feature modules only. */
@Module({
  imports: [ConfigModule, DatabaseModule, ConversationModule, ChannelsModule, HealthModule],
})
export class AppModule {}
