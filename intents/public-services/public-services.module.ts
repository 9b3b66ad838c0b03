import { Module } from '@nestjs/common';
import { PublicServicesIntent } from './public-services.intent';

@Module({ providers: [PublicServicesIntent], exports: [PublicServicesIntent] })
export class PublicServicesModule {}
