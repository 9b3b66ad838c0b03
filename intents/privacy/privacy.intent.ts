import { Injectable } from '@nestjs/common';
import type { Intent, Reply, ReplyButton, TurnContext } from '../../src/messaging';
import { answered, mainMenu, message, quick, text } from '../common/reply-kit';

/**
 * Welcome, the privacy notice and the consent choice (Law 91/2025/QH15 on personal data, in force
 * 1/1/2026: health data is sensitive, silence is not consent — domain-facts.md §6, D1–D4). The notice
 * says what is recorded, why, by whom, for how long, how to ask for deletion and where the full policy
 * is. The choice can be changed at any time (payload PRIVACY shows it again).
 */
@Injectable()
export class PrivacyIntent implements Intent {
  readonly name = 'privacy';

  handle(ctx: TurnContext): Reply {
    switch (ctx.topic) {
      case 'consent_yes':
        return {
          ...answered(
            [message([text('privacy:consent_yes')], { quickReplies: mainMenu() })],
            ['data_protection'],
            'consent_yes',
            false,
          ),
          effects: [{ type: 'consent', granted: true }],
        };
      case 'consent_no':
        return {
          ...answered(
            [message([text('privacy:consent_no')], { quickReplies: mainMenu() })],
            ['data_protection'],
            'consent_no',
            false,
          ),
          effects: [{ type: 'consent', granted: false }],
        };
      case 'first_contact':
        return answered(
          [this.notice(ctx, 'privacy:first_contact')],
          ['data_protection'],
          'first_contact',
          false,
        );
      case 'notice':
        return answered([this.notice(ctx, 'privacy:notice_intro')], ['data_protection'], 'notice', false);
      default:
        return answered(
          [message([text('privacy:welcome')]), this.notice(ctx, 'privacy:notice_intro')],
          ['data_protection'],
          'welcome',
          false,
        );
    }
  }

  private notice(ctx: TurnContext, introKey: string) {
    const { unit } = ctx;
    const buttons: ReplyButton[] = unit.privacyPolicyUrl
      ? [{ title: text('privacy:policy_button'), url: unit.privacyPolicyUrl }]
      : [];
    return message(
      [
        text(introKey),
        text('privacy:notice'),
        unit.retention
          ? text('privacy:retention', { retention: unit.retention })
          : text('privacy:retention_missing'),
        text(unit.privacyPolicyUrl ? 'privacy:policy_link' : 'privacy:policy_missing'),
        text('privacy:choice'),
      ],
      {
        quickReplies: [quick('privacy:agree', 'CONSENT_YES'), quick('privacy:disagree', 'CONSENT_NO')],
        ...(buttons.length ? { buttons } : {}),
      },
    );
  }
}
