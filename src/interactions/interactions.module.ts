import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { InteractionChainEntity } from './interaction-chain.entity';
import { InteractionRecordEntity } from './interaction-record.entity';
import { InteractionRetentionEntity } from './interaction-retention.entity';
import { InteractionRepository } from './interaction.repository';
import { InteractionsService } from './interactions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([InteractionRecordEntity, InteractionChainEntity, InteractionRetentionEntity]),
    DatabaseModule,
  ],
  providers: [InteractionRepository, InteractionsService],
  exports: [InteractionsService],
})
export class InteractionsModule {}
