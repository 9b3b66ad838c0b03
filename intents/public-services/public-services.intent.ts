import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';

const PORTAL = { titleKey: 'public_services:links.portal', url: 'https://dichvucong.gov.vn' };

/**
 * Online public services on the national portal, health-sector procedures (domain-facts.md §2), and the
 * papers a health unit issues (birth certificate, death notice, health and sick-leave certificates) with
 * the linked online procedures they feed (sources in SOURCES.md).
 */
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
      health_procedures: {
        links: [PORTAL],
        related: ['health_check', 'practising_licence', 'medical_record', 'sick_leave'],
      },
      why_online: { links: [PORTAL], related: ['portal', 'submit'] },
      // Papers a health facility itself issues, and the linked online procedures they feed.
      birth_certificate: { related: ['birth_registration', 'birth_certificate_reissue'] },
      birth_registration: { links: [PORTAL], related: ['birth_certificate', 'birth_certificate_reissue'] },
      birth_certificate_reissue: { links: [PORTAL], related: ['birth_certificate', 'birth_registration'] },
      death_notice: { related: ['death_registration'] },
      death_registration: { links: [PORTAL], related: ['death_notice'] },
      health_check: { related: ['sick_leave', 'health_procedures'] },
      sick_leave: { related: ['health_check', 'health_procedures'] },
    },
    ['online_public_services'],
    { params: (ctx) => ({ unitName: ctx.unit.name }) },
  );

  handle(ctx: TurnContext): Reply {
    return this.catalogue.answer(ctx);
  }
}
