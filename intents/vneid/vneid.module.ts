import { Module } from '@nestjs/common';
import { VneidIntent } from './vneid.intent';

@Module({ providers: [VneidIntent], exports: [VneidIntent] })
export class VneidModule {}
