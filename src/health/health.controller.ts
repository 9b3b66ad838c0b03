import { Controller, Get, HttpCode, Logger, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { errorMessage } from '../common/errors';
import { DatabaseService } from '../database/database.service';
import { InboxService } from '../inbox/inbox.service';
import { InboxWorker } from '../inbox/inbox.worker';
import { OutboxService } from '../outbox/outbox.service';

type Check = 'ok' | 'down' | 'pending' | 'unknown' | 'running' | 'stopped';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly inbox: InboxService,
    private readonly worker: InboxWorker,
    private readonly outbox: OutboxService,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: 200 when the database answers, 503 otherwise.' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const up = await this.db.ping();
    if (!up) {
      void reply.status(503);
      return { status: 'error', database: 'down' };
    }
    const counts: Record<string, number> = await this.inbox.counts().catch(() => ({}));
    return {
      status: 'ok',
      database: this.db.kind,
      inbox: { pending: counts.pending ?? 0, processing: counts.processing ?? 0, failed: counts.failed ?? 0 },
    };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Readiness: 200 when the database answers, no migration is pending and the inbox worker and outbox dispatcher run; 503 naming what is not ready.',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const database: Check = (await this.db.ping()) ? 'ok' : 'down';
    let migrations: Check = 'unknown';
    let pending: string[] = [];
    if (database === 'ok') {
      try {
        pending = await this.db.pendingMigrations();
        migrations = pending.length ? 'pending' : 'ok';
      } catch (error) {
        // Not ready, and the reason goes to the log, not to whoever asks.
        this.logger.warn({ msg: 'readiness: migrations not readable', error: errorMessage(error) });
      }
    }
    const checks: Record<string, Check> = {
      database,
      migrations,
      inboxWorker: this.worker.isRunning() ? 'running' : 'stopped',
      outboxDispatcher: this.outbox.isRunning() ? 'running' : 'stopped',
    };
    const notReady = Object.entries(checks)
      .filter(([, value]) => value !== 'ok' && value !== 'running')
      .map(([name]) => name);
    if (!notReady.length) return { status: 'ready', checks };
    void reply.status(503);
    return {
      status: 'not_ready',
      notReady,
      checks,
      ...(migrations === 'pending' ? { pendingMigrations: pending } : {}),
    };
  }
}
