import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../../src/complaints/complaints.module';
import { UnitsModule } from '../../src/units/units.module';
import { ComplaintIntent } from './complaint.intent';

@Module({
  imports: [ComplaintsModule, UnitsModule],
  providers: [ComplaintIntent],
  exports: [ComplaintIntent],
})
export class ComplaintModule {}
