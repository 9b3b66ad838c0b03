import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { ReportJobEntity } from './report-job.entity';
import { ReportJobRepository } from './report-job.repository';

/** The report jobs' table and file chunks: shared by the app (requests, downloads) and the report process. */
@Module({
  imports: [TypeOrmModule.forFeature([ReportJobEntity]), DatabaseModule],
  providers: [ReportJobRepository],
  exports: [ReportJobRepository],
})
export class ReportJobStoreModule {}
