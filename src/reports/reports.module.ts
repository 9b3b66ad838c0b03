import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { I18nModule } from '../i18n/i18n.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { UnitsModule } from '../units/units.module';
import { OutreachFiguresModule } from './outreach-figures.module';
import { ReportsService } from './reports.service';

@Module({
  imports: [InteractionsModule, ComplaintsModule, UnitsModule, I18nModule, OutreachFiguresModule],
  providers: [ReportsService],
  exports: [ReportsService],
})
export class ReportsModule {}
