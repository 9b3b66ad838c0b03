import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';

const VNEID = { titleKey: 'vneid:links.vneid', url: 'https://vneid.gov.vn' };
const PORTAL = { titleKey: 'vneid:links.portal', url: 'https://dichvucong.gov.vn' };

/**
 * VNeID, the national e-ID app (domain-facts.md §1; sources in SOURCES.md). Every answer ends with
 * the reminder never to share an OTP or passcode: asking for them is the commonest scam.
 */
@Injectable()
export class VneidIntent implements Intent {
  readonly name = 'vneid';
  private readonly catalogue = new TopicCatalogue(
    'vneid',
    {
      about: { links: [VNEID], related: ['register_level1', 'level2', 'portal_login'] },
      register_level1: { links: [VNEID], related: ['level2', 'activate'] },
      level2: { related: ['activate', 'integrate_papers'] },
      activate: { related: ['forgot_password', 'otp'] },
      forgot_password: { related: ['forgot_passcode', 'otp', 'change_phone'] },
      forgot_passcode: { related: ['forgot_password', 'otp'] },
      otp: { related: ['change_phone', 'login_problem'] },
      change_phone: { related: ['otp', 'login_problem'] },
      integrate_papers: { related: ['level2'], planItems: ['vneid', 'health_insurance'] },
      portal_login: {
        links: [PORTAL],
        related: ['forgot_password', 'login_problem'],
        planItems: ['vneid', 'online_public_services'],
      },
      login_problem: { related: ['forgot_password', 'otp', 'change_phone'] },
    },
    ['vneid'],
    { notes: ['reminder'] },
  );

  handle(ctx: TurnContext): Reply {
    return this.catalogue.answer(ctx);
  }
}
