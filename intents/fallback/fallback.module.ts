import { Module } from '@nestjs/common';
import { FallbackIntent } from './fallback.intent';

@Module({ providers: [FallbackIntent], exports: [FallbackIntent] })
export class FallbackModule {}
