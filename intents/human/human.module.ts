import { Module } from '@nestjs/common';
import { HumanIntent } from './human.intent';

@Module({ providers: [HumanIntent], exports: [HumanIntent] })
export class HumanModule {}
