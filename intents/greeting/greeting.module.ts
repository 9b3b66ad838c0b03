import { Module } from '@nestjs/common';
import { GreetingIntent } from './greeting.intent';

@Module({ providers: [GreetingIntent], exports: [GreetingIntent] })
export class GreetingModule {}
