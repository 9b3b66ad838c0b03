import { Module, type OnModuleInit } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { OutboxService } from '../outbox/outbox.service';
import { WebChannelModule } from './web/web-channel.module';
import { WebSender } from './web/web.sender';

/** The channel registry: every channel adapter, and its sender plugged into the outbox. */
@Module({
  imports: [OutboxModule, WebChannelModule],
})
export class ChannelsModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly web: WebSender,
  ) {}

  onModuleInit(): void {
    for (const sender of [this.web]) this.outbox.registerSender(sender);
  }
}
