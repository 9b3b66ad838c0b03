import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { InboxModule } from '../inbox/inbox.module';
import { HealthController } from './health.controller';

@Module({ imports: [DatabaseModule, InboxModule], controllers: [HealthController] })
export class HealthModule {}
