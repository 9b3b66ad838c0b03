import { Controller, Get, HttpException, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { decideMetricsAccess, type MetricsSetting } from './metrics-access';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  private readonly setting: MetricsSetting;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.setting = { enabled: config.env.METRICS === 'on', token: config.env.METRICS_TOKEN };
  }

  @Get()
  @ApiOperation({
    summary:
      'Prometheus text format. METRICS_TOKEN set: bearer token required (401). Else loopback only, not through a proxy (403). METRICS=off: 404.',
  })
  async scrape(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const decision = decideMetricsAccess(this.setting, {
      remoteAddress: request.raw.socket.remoteAddress,
      headers: request.headers,
    });
    if (!decision.allowed) {
      if (decision.status === 401) void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new HttpException({ message: decision.message }, decision.status);
    }
    const body = await this.metrics.scrape();
    void reply
      .status(200)
      .header('content-type', this.metrics.contentType)
      .header('cache-control', 'no-store');
    return body;
  }
}
