import { Module } from '@nestjs/common';
import { InboxModule } from '../../inbox/inbox.module';
import { OutboxModule } from '../../outbox/outbox.module';
import { UnitsModule } from '../../units/units.module';
import { WebChatController } from './web-chat.controller';
import { WebChatThrottlerStorage } from './web-chat.throttler';
import { WebPageController } from './web-page.controller';
import { WebSender } from './web.sender';

@Module({
  imports: [InboxModule, OutboxModule, UnitsModule],
  controllers: [WebChatController, WebPageController],
  providers: [WebSender, WebChatThrottlerStorage],
  exports: [WebSender],
})
export class WebChannelModule {}
