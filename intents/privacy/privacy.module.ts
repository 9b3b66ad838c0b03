import { Module } from '@nestjs/common';
import { PrivacyIntent } from './privacy.intent';

@Module({ providers: [PrivacyIntent], exports: [PrivacyIntent] })
export class PrivacyModule {}
