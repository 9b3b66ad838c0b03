import type { PlanItem, Reply, ReplyButton, TurnContext } from '../../src/messaging';
import { answered, link, message, quick, text, topicChoices } from './reply-kit';

export interface TopicSpec {
  /** Official links shown as buttons under the answer (https, allowed domains only). */
  links?: { titleKey: string; url: string }[];
  /** Topics offered next as quick replies (same intent). */
  related?: string[];
  planItems?: PlanItem[];
}

/**
 * An intent whose topics are answered with fixed texts: `<intent>:answers.<topic>` plus links and
 * related topics. The menu topic lists the topics; an unknown topic falls back to the menu.
 */
export class TopicCatalogue {
  constructor(
    private readonly intent: string,
    private readonly specs: Record<string, TopicSpec>,
    private readonly planItems: PlanItem[],
    private readonly menuTopics: string[] = Object.keys(specs),
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
    const buttons: ReplyButton[] = (spec.links ?? []).map((l) => link(l.titleKey, l.url));
    const related = (spec.related ?? []).filter((t) => t !== topic).slice(0, 4);
    return answered(
      [
        message([text(`${this.intent}:answers.${topic}`)], {
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
            ...topicChoices(this.intent, this.menuTopics.slice(0, 12)),
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
