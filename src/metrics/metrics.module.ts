import { Module } from '@nestjs/common';
import { UnitsModule } from '../units/units.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics: owns their names and label sets and serves GET /metrics. A leaf: the queues,
 * the turn and the campaigns report to MetricsService; it imports none of them.
 */
@Module({
  imports: [UnitsModule],
  providers: [MetricsService],
  controllers: [MetricsController],
  exports: [MetricsService],
})
export class MetricsModule {}
