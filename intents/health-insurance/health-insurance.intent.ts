import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';

/** Health insurance (BHYT) policy (domain-facts.md §3). */
@Injectable()
export class HealthInsuranceIntent implements Intent {
  readonly name = 'health_insurance';
  private readonly catalogue = new TopicCatalogue(
    'health_insurance',
    {
      hotline: {
        links: [{ titleKey: 'health_insurance:links.vss', url: 'https://baohiemxahoi.gov.vn' }],
        related: [],
      },
    },
    ['health_insurance'],
  );

  handle(ctx: TurnContext): Reply {
    return this.catalogue.answer(ctx, ctx.topic === 'menu' ? undefined : 'hotline');
  }
}
