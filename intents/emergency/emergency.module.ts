import { Module } from '@nestjs/common';
import { EmergencyIntent } from './emergency.intent';

@Module({ providers: [EmergencyIntent], exports: [EmergencyIntent] })
export class EmergencyModule {}
