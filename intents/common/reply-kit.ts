import type { PlanItem, Reply, ReplyButton, ReplyMessage, ReplyQuickReply, Text } from '../../src/messaging';

/** Small builders shared by the intent modules (not an intent itself: no state, no services). */
export const text = (key: string, params?: Record<string, string | number>): Text =>
  params ? { key, params } : { key };

export const quick = (titleKey: string, payload: string): ReplyQuickReply => ({
  title: text(titleKey),
  payload,
});

export const link = (titleKey: string, url: string): ReplyButton => ({ title: text(titleKey), url });

/** Quick replies to other topics of the same intent: `<ns>:topics.<topic>` titles, `<intent>:<topic>` payloads. */
export function topicChoices(intent: string, topics: string[]): ReplyQuickReply[] {
  return topics.map((topic) => quick(`${intent}:topics.${topic}`, `${intent}:${topic}`));
}

/** The main menu: the four propaganda topics, then a person. */
export function mainMenu(): ReplyQuickReply[] {
  return [
    quick('common:menu.vneid', 'vneid:menu'),
    quick('common:menu.public_services', 'public_services:menu'),
    quick('common:menu.health_insurance', 'health_insurance:menu'),
    quick('common:menu.complaint', 'complaint:menu'),
    quick('common:menu.unit_info', 'unit_info:menu'),
    quick('common:menu.human', 'HUMAN'),
  ];
}

export function message(paragraphs: Text[], extras: Omit<ReplyMessage, 'text'> = {}): ReplyMessage {
  return { text: paragraphs, ...extras };
}

export function answered(
  messages: ReplyMessage[],
  planItems: PlanItem[],
  topic: string,
  served = true,
): Reply {
  return { messages, outcome: 'answered', planItems, topic, served };
}
