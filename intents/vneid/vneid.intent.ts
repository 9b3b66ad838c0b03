import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';

const VNEID = { titleKey: 'vneid:links.vneid', url: 'https://vneid.gov.vn' };

/** VNeID, the national e-ID app (domain-facts.md §1). */
@Injectable()
export class VneidIntent implements Intent {
  readonly name = 'vneid';
  private readonly catalogue = new TopicCatalogue(
    'vneid',
    {
      about: { links: [VNEID], related: ['level2', 'forgot_password', 'portal_login'] },
      forgot_password: { related: ['level2', 'about'] },
      level2: { related: ['activate', 'about'] },
      portal_login: {
        links: [{ titleKey: 'vneid:links.portal', url: 'https://dichvucong.gov.vn' }],
        related: ['forgot_password'],
      },
    },
    ['vneid'],
  );

  handle(ctx: TurnContext): Reply {
    return this.catalogue.answer(ctx, ctx.topic === 'menu' ? undefined : (ctx.topic ?? 'about'));
  }
}
