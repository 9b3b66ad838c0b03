import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { UnitsModule } from '../units/units.module';
import { UnitDetailsVersionEntity } from './unit-details-version.entity';
import { UnitDetailsRepository } from './unit-details.repository';
import { UnitDetailsService } from './unit-details.service';

/** Units keep their own details in the console: versions, validation, the bot uses them at once. */
@Module({
  imports: [TypeOrmModule.forFeature([UnitDetailsVersionEntity]), DatabaseModule, UnitsModule],
  providers: [UnitDetailsRepository, UnitDetailsService],
  exports: [UnitDetailsService],
})
export class UnitDetailsModule {}
