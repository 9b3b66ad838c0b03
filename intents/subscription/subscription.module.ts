import { Module } from '@nestjs/common';
import { SubscriptionIntent } from './subscription.intent';

@Module({ providers: [SubscriptionIntent], exports: [SubscriptionIntent] })
export class SubscriptionModule {}
