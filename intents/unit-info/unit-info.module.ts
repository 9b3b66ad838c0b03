import { Module } from '@nestjs/common';
import { UnitInfoIntent } from './unit-info.intent';

@Module({ providers: [UnitInfoIntent], exports: [UnitInfoIntent] })
export class UnitInfoModule {}
