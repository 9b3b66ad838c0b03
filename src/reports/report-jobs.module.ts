import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { ReportJobStoreModule } from './report-job-store.module';
import { ReportJobRunner } from './report-job.runner';
import { ReportJobsService } from './report-jobs.service';

/** Report exports as jobs for the console: queued here, run in a child process by the runner. */
@Module({
  imports: [ReportJobStoreModule, DatabaseModule],
  providers: [ReportJobRunner, ReportJobsService],
  exports: [ReportJobsService],
})
export class ReportJobsModule {}
