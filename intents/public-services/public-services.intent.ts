import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';

const PORTAL = { titleKey: 'public_services:links.portal', url: 'https://dichvucong.gov.vn' };

/** Online public services on the national portal, and health-sector procedures (domain-facts.md §2). */
@Injectable()
export class PublicServicesIntent implements Intent {
  readonly name = 'public_services';
  private readonly catalogue = new TopicCatalogue(
    'public_services',
    {
      portal: { links: [PORTAL], related: ['submit', 'tracking', 'why_online'] },
      submit: { links: [PORTAL], related: ['payment', 'tracking', 'certified_copy'] },
      payment: { links: [PORTAL], related: ['tracking', 'submit'] },
      tracking: { links: [PORTAL], related: ['submit', 'payment'] },
      certified_copy: { links: [PORTAL], related: ['submit'] },
      provincial_portal: { links: [PORTAL], related: ['portal', 'submit'] },
      practising_licence: { links: [PORTAL], related: ['health_procedures', 'submit'] },
      medical_record: { related: ['health_procedures'] },
      health_procedures: { links: [PORTAL], related: ['practising_licence', 'medical_record'] },
      why_online: { links: [PORTAL], related: ['portal', 'submit'] },
    },
    ['online_public_services'],
    { params: (ctx) => ({ unitName: ctx.unit.name }) },
  );

  handle(ctx: TurnContext): Reply {
    return this.catalogue.answer(ctx);
  }
}
