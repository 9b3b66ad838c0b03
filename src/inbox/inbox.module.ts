import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { MetricsModule } from '../metrics/metrics.module';
import { InboxEventEntity } from './inbox-event.entity';
import { InboxRepository } from './inbox.repository';
import { InboxService } from './inbox.service';
import { InboxWorker } from './inbox.worker';

@Module({
  imports: [TypeOrmModule.forFeature([InboxEventEntity]), DatabaseModule, MetricsModule],
  providers: [InboxRepository, InboxService, InboxWorker],
  exports: [InboxService, InboxWorker],
})
export class InboxModule {}
