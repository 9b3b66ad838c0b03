import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntentsModule } from '../../intents/intents.module';
import { DatabaseModule } from '../database/database.module';
import { I18nModule } from '../i18n/i18n.module';
import { InboxModule } from '../inbox/inbox.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { MetricsModule } from '../metrics/metrics.module';
import { NluModule } from '../nlu/nlu.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UnitsModule } from '../units/units.module';
import { ConversationEntity } from './conversation.entity';
import { TurnCommitter } from './turn-committer';
import { ConversationEngine } from './conversation.engine';
import { ConversationRepository } from './conversation.repository';
import { StaffDeskRepository } from './staff-desk.repository';
import { StaffDeskService } from './staff-desk.service';
import { StaffRequestEntity } from './staff-request.entity';

/** The turn and the conversation state; registers itself as the inbox worker's handler. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ConversationEntity, StaffRequestEntity]),
    DatabaseModule,
    IntentsModule,
    NluModule,
    I18nModule,
    UnitsModule,
    InteractionsModule,
    OutboxModule,
    InboxModule,
    SubscriptionsModule,
    MetricsModule,
  ],
  providers: [
    ConversationRepository,
    ConversationEngine,
    TurnCommitter,
    StaffDeskRepository,
    StaffDeskService,
  ],
  exports: [StaffDeskService],
})
export class ConversationModule {}
