import type { PlanItem, Reply, ReplyButton, Text, TurnContext } from '../../src/messaging';
import { answered, link, message, quick, text, topicChoices } from './reply-kit';

interface TopicSpec {
  /** Official links shown as buttons under the answer (https, allowed domains only). */
  links?: { titleKey: string; url: string }[];
  /** Topics offered next as quick replies (same intent). */
  related?: string[];
  /** Plan items served; the catalogue's default when absent. */
  planItems?: PlanItem[];
  /** Extra paragraphs after the answer (keys of the same namespace). */
  notes?: string[];
}

/**
 * An intent whose topics are answered with fixed texts: `<intent>:answers.<topic>` plus notes, links
 * and related topics as quick replies. Topic `menu` (or an unknown one) lists the topics.
 */
export class TopicCatalogue {
  constructor(
    private readonly intent: string,
    private readonly specs: Record<string, TopicSpec>,
    private readonly planItems: PlanItem[],
    private readonly common: {
      notes?: string[];
      params?: (ctx: TurnContext) => Record<string, string | number>;
    } = {},
  ) {}

  topics(): string[] {
    return Object.keys(this.specs);
  }

  has(topic: string | undefined): topic is string {
    return !!topic && topic in this.specs;
  }

  answer(ctx: TurnContext, topic: string | undefined = ctx.topic): Reply {
    if (!this.has(topic)) return this.menu();
    const spec = this.specs[topic];
    const params = this.common.params?.(ctx);
    const paragraphs: Text[] = [text(`${this.intent}:answers.${topic}`, params)];
    for (const note of [...(spec.notes ?? []), ...(this.common.notes ?? [])])
      paragraphs.push(text(`${this.intent}:${note}`, params));
    const buttons: ReplyButton[] = (spec.links ?? []).map((l) => link(l.titleKey, l.url));
    const related = (spec.related ?? []).filter((t) => t !== topic && this.has(t)).slice(0, 4);
    return answered(
      [
        message(paragraphs, {
          ...(buttons.length ? { buttons } : {}),
          quickReplies: [...topicChoices(this.intent, related), quick('common:menu.back', 'MENU')],
        }),
      ],
      spec.planItems ?? this.planItems,
      topic,
    );
  }

  menu(): Reply {
    return answered(
      [
        message([text(`${this.intent}:menu`)], {
          quickReplies: [
            ...topicChoices(this.intent, this.topics().slice(0, 12)),
            quick('common:menu.back', 'MENU'),
          ],
        }),
      ],
      this.planItems,
      'menu',
      false,
    );
  }
}
