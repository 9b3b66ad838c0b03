import { Injectable } from '@nestjs/common';
import type { Intent, Reply, ReplyQuickReply, TurnContext } from '../../src/messaging';
import { link, mainMenu, message, quick, text } from '../common/reply-kit';

const PORTAL_URL = 'https://dichvucong.gov.vn';

/**
 * Other agencies' services: a pointer to the competent agency (texts `fallback:agencies.<topic>`, sources
 * in SOURCES.md), with the national portal as a button where the procedure is on it, and the health
 * unit's own related topic when there is one (the driving-licence health check, a newborn's residence).
 */
const AGENCIES: Record<string, { portal: boolean; next?: string }> = {
  traffic: { portal: true },
  driving_licence: { portal: true, next: 'public_services:health_check' },
  passport: { portal: true },
  land: { portal: true },
  utilities: { portal: false },
  tax: { portal: true },
  residence: { portal: true, next: 'public_services:birth_registration' },
  civil_status: { portal: true },
  schools: { portal: false },
  other_agencies: { portal: true },
};

/** Out of scope, unclear, a medical question, an attachment: say so honestly and offer a way on. */
@Injectable()
export class FallbackIntent implements Intent {
  readonly name = 'fallback';

  handle(ctx: TurnContext): Reply {
    if (ctx.topic === 'clarify') return this.clarify(ctx);
    if (ctx.topic && Object.hasOwn(AGENCIES, ctx.topic)) return this.otherAgency(ctx.topic);
    if (ctx.topic === 'medical_advice') {
      return {
        messages: [
          message([text('fallback:medical_advice')], {
            buttons: [{ title: text('fallback:call_115'), phone: '115' }],
            quickReplies: [quick('fallback:book', 'unit_info:booking'), quick('common:menu.back', 'MENU')],
          }),
        ],
        outcome: 'fallback',
        planItems: [],
        topic: 'medical_advice',
      };
    }
    if (ctx.topic === 'attachment') {
      return {
        messages: [message([text('fallback:attachment')], { quickReplies: mainMenu() })],
        outcome: 'fallback',
        planItems: [],
        topic: 'attachment',
      };
    }
    const secondMiss = ctx.conversation.missCount >= 1;
    return {
      messages: [
        message([text(secondMiss ? 'fallback:offer_human' : 'fallback:not_understood')], {
          quickReplies: secondMiss
            ? [quick('common:menu.human', 'HUMAN'), ...mainMenu().filter((q) => q.payload !== 'HUMAN')]
            : mainMenu(),
        }),
      ],
      outcome: 'fallback',
      planItems: [],
      topic: ctx.topic ?? 'out_of_scope',
    };
  }

  private otherAgency(topic: string): Reply {
    const spec = AGENCIES[topic];
    const next: ReplyQuickReply[] = spec.next
      ? [quick(`${spec.next.replace(':', ':topics.')}`, spec.next)]
      : [];
    return {
      messages: [
        message([text(`fallback:agencies.${topic}`)], {
          ...(spec.portal ? { buttons: [link('fallback:links.portal', PORTAL_URL)] } : {}),
          quickReplies: [
            ...next,
            quick('common:menu.public_services', 'public_services:menu'),
            quick('common:menu.back', 'MENU'),
          ],
        }),
      ],
      outcome: 'fallback',
      planItems: [],
      topic,
    };
  }

  private clarify(ctx: TurnContext): Reply {
    const ranking = ctx.input.understanding?.ranking ?? [];
    const options: ReplyQuickReply[] = ranking
      .filter((r) => r.topic && r.intent !== 'fallback')
      .slice(0, 2)
      .map((r) => quick(`${r.intent}:topics.${r.topic}`, `${r.intent}:${r.topic}`));
    return {
      messages: [
        message([text('fallback:clarify')], {
          quickReplies: [...options, quick('common:menu.other', 'MENU')],
        }),
      ],
      outcome: 'clarified',
      planItems: [],
      topic: 'clarify',
    };
  }
}
