import { Module } from '@nestjs/common';
import { HealthInsuranceIntent } from './health-insurance.intent';

@Module({ providers: [HealthInsuranceIntent], exports: [HealthInsuranceIntent] })
export class HealthInsuranceModule {}
