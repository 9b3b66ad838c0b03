/**
 * Payloads of the news subscription (issue 13), shared by the subscription intent, the router and the
 * campaign messages that carry an "unsubscribe" quick reply or button.
 */
export const SUBSCRIBE_PAYLOAD = 'SUBSCRIBE';
export const UNSUBSCRIBE_PAYLOAD = 'UNSUBSCRIBE';

/** The news topics a citizen can subscribe to; none chosen means all of them. */
export const SUBSCRIPTION_TOPICS = ['vneid', 'public_services', 'health_insurance', 'unit_news'] as const;
export type SubscriptionTopic = (typeof SUBSCRIPTION_TOPICS)[number];

export function isSubscriptionTopic(value: string): value is SubscriptionTopic {
  return (SUBSCRIPTION_TOPICS as readonly string[]).includes(value);
}

/** Topics added to a subscription: an empty list (every topic) absorbs the rest, otherwise the union. */
export function mergeTopics(current: readonly string[], added: readonly string[]): string[] {
  if (!current.length || !added.length) return [];
  return [...new Set([...current, ...added])].sort();
}

/** `SUBSCRIBE:<topic>` for one topic (a quick reply that narrows the subscription). */
export function subscribePayload(topic?: SubscriptionTopic): string {
  return topic ? `${SUBSCRIBE_PAYLOAD}:${topic}` : SUBSCRIBE_PAYLOAD;
}

/**
 * SUBSCRIBE, SUBSCRIBE:<topic> and UNSUBSCRIBE (any case: Zalo returns what we sent, people retype
 * it); null for anything else, and for a SUBSCRIBE with a topic we do not know.
 */
export function parseSubscriptionPayload(
  payload: string,
): { action: 'subscribe'; topic?: SubscriptionTopic } | { action: 'unsubscribe' } | null {
  const [head, topic, ...rest] = payload.trim().split(':');
  if (rest.length) return null;
  const action = head.toUpperCase();
  if (action === UNSUBSCRIBE_PAYLOAD && topic === undefined) return { action: 'unsubscribe' };
  if (action !== SUBSCRIBE_PAYLOAD) return null;
  if (topic === undefined) return { action: 'subscribe' };
  const t = topic.toLowerCase();
  return isSubscriptionTopic(t) ? { action: 'subscribe', topic: t } : null;
}
