import { Module } from '@nestjs/common';
import { SatisfactionIntent } from './satisfaction.intent';

@Module({ providers: [SatisfactionIntent], exports: [SatisfactionIntent] })
export class SatisfactionModule {}
