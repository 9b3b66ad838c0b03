import { Module, type OnModuleInit } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { OutboxService } from '../outbox/outbox.service';
import { ChannelAccountsModule } from './channel-accounts.module';
import { MessengerChannelModule } from './messenger/messenger-channel.module';
import { MessengerSender } from './messenger/messenger.sender';
import { WebChannelModule } from './web/web-channel.module';
import { WebSender } from './web/web.sender';
import { ZaloChannelModule } from './zalo/zalo-channel.module';
import { ZaloSender } from './zalo/zalo.sender';

/** The channel registry: every channel adapter, and its sender plugged into the outbox. */
@Module({
  imports: [OutboxModule, ChannelAccountsModule, WebChannelModule, MessengerChannelModule, ZaloChannelModule],
  exports: [ChannelAccountsModule],
})
export class ChannelsModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly web: WebSender,
    private readonly messenger: MessengerSender,
    private readonly zalo: ZaloSender,
  ) {}

  onModuleInit(): void {
    for (const sender of [this.web, this.messenger, this.zalo]) this.outbox.registerSender(sender);
  }
}
