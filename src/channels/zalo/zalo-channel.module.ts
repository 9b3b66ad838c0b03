import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../../database/database.module';
import { InboxModule } from '../../inbox/inbox.module';
import { ChannelAccountsModule } from '../channel-accounts.module';
import { ZaloController } from './zalo.controller';
import { ZaloClient } from './zalo.client';
import { ZaloSender } from './zalo.sender';
import { ZaloTokenEntity } from './zalo-token.entity';
import { ZaloTokenRepository } from './zalo-token.repository';
import { ZaloTokenService } from './zalo-token.service';

@Module({
  imports: [TypeOrmModule.forFeature([ZaloTokenEntity]), DatabaseModule, InboxModule, ChannelAccountsModule],
  controllers: [ZaloController],
  providers: [ZaloClient, ZaloTokenRepository, ZaloTokenService, ZaloSender],
  exports: [ZaloSender, ZaloTokenService],
})
export class ZaloChannelModule {}
