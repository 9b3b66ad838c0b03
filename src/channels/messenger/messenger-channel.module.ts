import { Module } from '@nestjs/common';
import { InboxModule } from '../../inbox/inbox.module';
import { ChannelAccountsModule } from '../channel-accounts.module';
import { MessengerController } from './messenger.controller';
import { MessengerClient } from './messenger.client';
import { MessengerSender } from './messenger.sender';

@Module({
  imports: [InboxModule, ChannelAccountsModule],
  controllers: [MessengerController],
  providers: [MessengerClient, MessengerSender],
  exports: [MessengerSender, MessengerClient],
})
export class MessengerChannelModule {}
