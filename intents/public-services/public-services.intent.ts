import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';

const PORTAL = { titleKey: 'public_services:links.portal', url: 'https://dichvucong.gov.vn' };

/** Online public services on the national portal (domain-facts.md §2). */
@Injectable()
export class PublicServicesIntent implements Intent {
  readonly name = 'public_services';
  private readonly catalogue = new TopicCatalogue(
    'public_services',
    { portal: { links: [PORTAL], related: [] } },
    ['online_public_services'],
  );

  handle(ctx: TurnContext): Reply {
    return this.catalogue.answer(ctx, ctx.topic === 'menu' ? undefined : 'portal');
  }
}
