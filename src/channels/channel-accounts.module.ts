import { Module } from '@nestjs/common';
import { UnitsModule } from '../units/units.module';
import { ChannelAccounts } from './channel-accounts';

@Module({ imports: [UnitsModule], providers: [ChannelAccounts], exports: [ChannelAccounts] })
export class ChannelAccountsModule {}
