import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DatabaseService } from '../database/database.service';
import { InboxService } from '../inbox/inbox.service';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DatabaseService,
    private readonly inbox: InboxService,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: '200 when the database answers, 503 otherwise.' })
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
}
