import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { InboxModule } from '../inbox/inbox.module';
import { OutboxModule } from '../outbox/outbox.module';
import { HealthController } from './health.controller';

/** /health (liveness) and /health/ready (readiness): neither rate-limited, neither with personal data. */
@Module({ imports: [DatabaseModule, InboxModule, OutboxModule], controllers: [HealthController] })
export class HealthModule {}
