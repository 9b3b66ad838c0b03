import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { ComplaintsModule } from '../complaints/complaints.module';
import { ConversationModule } from '../conversation/conversation.module';
import { DatabaseModule } from '../database/database.module';
import { I18nModule } from '../i18n/i18n.module';
import { InteractionQueriesModule } from '../interactions/interaction-queries.module';
import { NluModule } from '../nlu/nlu.module';
import { NoticesModule } from '../notices/notices.module';
import { UnitDetailsModule } from '../unit-details/unit-details.module';
import { ConsoleUnitsController } from './console-units.controller';
import { UnitsModule } from '../units/units.module';
import { ConsoleAuditEntity } from './console-audit.entity';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleAuthService } from './console-auth.service';
import { ConsoleCampaignsController } from './console-campaigns.controller';
import { ConsoleDeskController } from './console-desk.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleLoginController } from './console-login.controller';
import { ConsoleReportsController } from './console-reports.controller';
import { ConsoleSessionEntity } from './console-session.entity';
import { ConsoleUserEntity } from './console-user.entity';
import { ConsoleController } from './console.controller';
import { ConsoleRepository } from './console.repository';
import { LoginAttemptEntity } from './login-attempt.entity';
import { TrainingExampleEntity } from './training-example.entity';
import { TrainingSync } from './training-sync.service';
import { TrainingVersionEntity } from './training-version.entity';
import { InteractionsModule } from '../interactions/interactions.module';
import { OutreachFiguresModule } from '../reports/outreach-figures.module';
import { ReportJobsModule } from '../reports/report-jobs.module';

/** The staff console (/console): accounts and sessions, the pages, the audit trail. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ConsoleUserEntity,
      ConsoleSessionEntity,
      LoginAttemptEntity,
      ConsoleAuditEntity,
      TrainingExampleEntity,
      TrainingVersionEntity,
    ]),
    DatabaseModule,
    UnitsModule,
    I18nModule,
    NluModule,
    InteractionQueriesModule,
    InteractionsModule,
    ReportJobsModule,
    OutreachFiguresModule,
    ComplaintsModule,
    ConversationModule,
    CampaignsModule,
    NoticesModule,
    UnitDetailsModule,
  ],
  controllers: [
    ConsoleLoginController,
    ConsoleController,
    ConsoleDeskController,
    ConsoleReportsController,
    ConsoleUnitsController,
    ConsoleCampaignsController,
  ],
  providers: [
    ConsoleRepository,
    ConsoleAuthService,
    ConsoleAuditService,
    ConsoleAuthGuard,
    ConsoleExceptionFilter,
    TrainingSync,
  ],
  exports: [ConsoleAuthService, ConsoleRepository],
})
export class ConsoleModule {}
