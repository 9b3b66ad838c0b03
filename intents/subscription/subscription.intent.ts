import { Injectable } from '@nestjs/common';
import { fold } from '../../src/common/fold';
import {
  isSubscriptionTopic,
  mergeTopics,
  SUBSCRIPTION_TOPICS,
  SUBSCRIBE_PAYLOAD,
  subscribePayload,
  UNSUBSCRIBE_PAYLOAD,
  type Intent,
  type Reply,
  type SubscriptionTopic,
  type Text,
  type TurnContext,
} from '../../src/messaging';
import { answered, mainMenu, message, quick, text } from '../common/reply-kit';

/** Words that name a news topic in a request ("đăng ký nhận tin về bảo hiểm y tế", "VNeID news"). */
const TOPIC_WORDS: Record<SubscriptionTopic, RegExp> = {
  vneid: /\b(?:vneid|vn eid|dinh danh(?: dien tu)?|e ?id|digital id)\b/,
  public_services:
    /\b(?:dich vu cong|dvc|thu tuc hanh chinh|tthc|public services?|online services?|e government)\b/,
  health_insurance: /\b(?:bao hiem(?: y te)?|bhyt|health insurance|insurance)\b/,
  unit_news:
    /\b(?:tin (?:tuc )?(?:cua )?(?:benh vien|bv|so|trung tam|don vi|truong)|hoat dong cua (?:benh vien|bv|so|trung tam|don vi|truong)|(?:hospital|unit|department|centre|center|college) news|news (?:of|from|about) (?:the|your) (?:hospital|unit|department|centre|center|college))\b/,
};

/** The topics a typed request names; none means every topic. */
export function topicsNamed(message: string): SubscriptionTopic[] {
  const folded = fold(message);
  return SUBSCRIPTION_TOPICS.filter((topic) => TOPIC_WORDS[topic].test(folded));
}

/**
 * Opting in to and out of the unit's news (issue 13). The reply states what the citizen subscribed
 * to and how to stop: the engine stores that rendered sentence as the proof of consent. Opting out
 * works at any time, in words or with the UNSUBSCRIBE payload every campaign message carries.
 */
@Injectable()
export class SubscriptionIntent implements Intent {
  readonly name = 'subscription';

  handle(ctx: TurnContext): Reply {
    if (ctx.topic === 'offer') return this.offer();
    return ctx.topic === 'unsubscribe' ? this.unsubscribe(ctx) : this.subscribe(ctx);
  }

  /** The engine's one-time offer after a served answer: only a quick reply, moved under that answer. */
  private offer(): Reply {
    return {
      messages: [message([], { quickReplies: [quick('subscription:topics.subscribe', SUBSCRIBE_PAYLOAD)] })],
      outcome: 'answered',
      planItems: [],
      topic: 'offer',
    };
  }

  private subscribe(ctx: TurnContext): Reply {
    const byPayload = !!ctx.input.payload;
    const asked: string[] = byPayload
      ? ctx.arg && isSubscriptionTopic(ctx.arg)
        ? [ctx.arg]
        : []
      : topicsNamed(ctx.input.text ?? '');
    const current = ctx.conversation.subscription;
    const topics = current?.status === 'subscribed' ? mergeTopics(current.topics, asked) : asked;
    const paragraphs: Text[] = topics.length
      ? [
          text('subscription:subscribed_topics'),
          ...SUBSCRIPTION_TOPICS.filter((t) => topics.includes(t)).map((t) =>
            text(`subscription:topic_lines.${t}`),
          ),
          text('subscription:how_to_stop'),
        ]
      : [text('subscription:subscribed_all'), text('subscription:how_to_stop')];
    const more = SUBSCRIPTION_TOPICS.filter((t) => topics.length && !topics.includes(t));
    return {
      ...answered(
        [
          message(paragraphs, {
            quickReplies: [
              quick('subscription:topics.unsubscribe', UNSUBSCRIBE_PAYLOAD),
              ...more.map((t) => quick(`subscription:topics.${t}`, subscribePayload(t))),
              quick('common:menu.back', 'MENU'),
            ],
          }),
        ],
        [],
        'subscribe',
        false,
      ),
      effects: [{ type: 'subscribe', topics: asked, source: byPayload ? 'quick_reply' : 'message' }],
    };
  }

  private unsubscribe(ctx: TurnContext): Reply {
    if (ctx.conversation.subscription?.status !== 'subscribed') {
      return answered(
        [message([text('subscription:not_subscribed')], { quickReplies: mainMenu() })],
        [],
        'not_subscribed',
        false,
      );
    }
    return {
      ...answered(
        [
          message([text('subscription:unsubscribed')], {
            quickReplies: [quick('subscription:topics.resubscribe', subscribePayload()), ...mainMenu()],
          }),
        ],
        [],
        'unsubscribe',
        false,
      ),
      effects: [{ type: 'unsubscribe' }],
    };
  }
}
