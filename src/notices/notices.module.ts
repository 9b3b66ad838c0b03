import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { ConversationModule } from '../conversation/conversation.module';
import { I18nModule } from '../i18n/i18n.module';
import { OutboxModule } from '../outbox/outbox.module';
import { UnitsModule } from '../units/units.module';
import { TicketNoticesService } from './ticket-notices.service';

/** Notices to citizens about their complaint tickets, through their own channel. */
@Module({
  imports: [ComplaintsModule, ConversationModule, I18nModule, OutboxModule, UnitsModule],
  providers: [TicketNoticesService],
  exports: [TicketNoticesService],
})
export class NoticesModule {}
