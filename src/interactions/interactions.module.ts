import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { NluModule } from '../nlu/nlu.module';
import { InteractionChainEntity } from './interaction-chain.entity';
import { InteractionRecordEntity } from './interaction-record.entity';
import { InteractionRepository } from './interaction.repository';
import { InteractionsService } from './interactions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([InteractionRecordEntity, InteractionChainEntity]),
    DatabaseModule,
    NluModule,
  ],
  providers: [InteractionRepository, InteractionsService],
  exports: [InteractionsService],
})
export class InteractionsModule {}
