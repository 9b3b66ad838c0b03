import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { ComplaintTicketEntity } from './complaint-ticket.entity';
import { ComplaintRepository } from './complaint.repository';
import { ComplaintsService } from './complaints.service';
import { TicketEventEntity } from './ticket-event.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ComplaintTicketEntity, TicketEventEntity]), DatabaseModule],
  providers: [ComplaintRepository, ComplaintsService],
  exports: [ComplaintsService],
})
export class ComplaintsModule {}
