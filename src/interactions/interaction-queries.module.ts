import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { InteractionRecordEntity } from './interaction-record.entity';
import { InteractionQueryRepository } from './interaction-query.repository';
import { InteractionQueryService } from './interaction-query.service';

/** Reads of the interaction log for the console (kept apart from the writer, InteractionsModule). */
@Module({
  imports: [TypeOrmModule.forFeature([InteractionRecordEntity]), DatabaseModule],
  providers: [InteractionQueryRepository, InteractionQueryService],
  exports: [InteractionQueryService],
})
export class InteractionQueriesModule {}
