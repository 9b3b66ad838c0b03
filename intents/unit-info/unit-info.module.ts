import { Module } from '@nestjs/common';
import { UnitsModule } from '../../src/units/units.module';
import { UnitInfoIntent } from './unit-info.intent';

@Module({ imports: [UnitsModule], providers: [UnitInfoIntent], exports: [UnitInfoIntent] })
export class UnitInfoModule {}
