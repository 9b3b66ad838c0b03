import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext } from '../../src/messaging';
import { answered, link, message, quick, text, topicChoices } from '../common/reply-kit';
import { TopicCatalogue } from '../common/topic-catalogue';
import { asOfDate, householdPremiums, loadFigures, money, studentPremium } from './figures';
import { householdQuote, parseHousehold, type Household } from './household';

const VSS = { titleKey: 'health_insurance:links.vss', url: 'https://baohiemxahoi.gov.vn' };
const VSS_SERVICES = {
  titleKey: 'health_insurance:links.vss_services',
  url: 'https://dichvucong.baohiemxahoi.gov.vn',
};

/** Health insurance (BHYT) and voluntary social insurance (domain-facts.md §3; figures in figures.yaml). */
@Injectable()
export class HealthInsuranceIntent implements Intent {
  readonly name = 'health_insurance';
  private readonly figures = loadFigures();
  private readonly catalogue = new TopicCatalogue(
    'health_insurance',
    {
      benefits: { links: [VSS], related: ['referral', 'check_card'] },
      referral: { links: [VSS], related: ['benefits', 'chip_id'] },
      household: { links: [VSS_SERVICES], related: ['student', 'check_card'] },
      student: { links: [VSS], related: ['household', 'check_card'] },
      check_card: { links: [VSS], related: ['lost_card', 'chip_id'] },
      lost_card: { links: [VSS_SERVICES], related: ['chip_id', 'check_card'] },
      chip_id: { related: ['lost_card', 'check_card'], planItems: ['health_insurance', 'vneid'] },
      voluntary_si: { links: [VSS], related: ['hotline', 'household'] },
      hotline: { links: [VSS], related: ['check_card', 'household'] },
    },
    ['health_insurance'],
    { params: (ctx) => this.params(ctx) },
  );

  handle(ctx: TurnContext): Reply {
    if (ctx.topic === 'household' && ctx.input.kind === 'text' && ctx.input.text) {
      const household = parseHousehold(ctx.input.text);
      if (household) return this.household(ctx, household);
    }
    return this.catalogue.answer(ctx);
  }

  /** The total for the household the citizen describes, and who is left out and why. */
  private household(ctx: TurnContext, household: Household): Reply {
    const language = ctx.conversation.language;
    const params = this.params(ctx);
    const paragraphs: Text[] = [text('health_insurance:household_quote.intro', { size: household.size })];
    if (household.under6)
      paragraphs.push(text('health_insurance:household_quote.left_under6', { count: household.under6 }));
    for (const e of household.insuredElsewhere)
      paragraphs.push(text(`health_insurance:household_quote.left_${e.reason}`, { count: e.count }));
    const quote = householdQuote(household.payers, householdPremiums(this.figures));
    if (quote.perPerson.length) {
      paragraphs.push(text('health_insurance:household_quote.payers', { count: household.payers }));
      quote.perPerson.forEach((amount, i) =>
        paragraphs.push(
          text('health_insurance:household_quote.payer_line', { n: i + 1, amount: money(amount, language) }),
        ),
      );
      paragraphs.push(
        text('health_insurance:household_quote.total', { ...params, total: money(quote.total, language) }),
      );
    } else {
      paragraphs.push(text('health_insurance:household_quote.none'));
    }
    if (household.schoolAgePayers) paragraphs.push(text('health_insurance:household_quote.school_note'));
    paragraphs.push(text('health_insurance:household_quote.check'));
    return answered(
      [
        message(paragraphs, {
          buttons: [link(VSS_SERVICES.titleKey, VSS_SERVICES.url)],
          quickReplies: [
            ...topicChoices('health_insurance', ['student', 'check_card']),
            quick('common:menu.back', 'MENU'),
          ],
        }),
      ],
      ['health_insurance'],
      'household',
    );
  }

  private params(ctx: TurnContext): Record<string, string> {
    const language = ctx.conversation.language;
    const [first, second, third, fourth, fifth] = householdPremiums(this.figures).map((a) =>
      money(a, language),
    );
    return {
      baseSalary: money(this.figures.baseSalary.value, language),
      asOf: asOfDate(this.figures.baseSalary.asOf, language),
      first,
      second,
      third,
      fourth,
      fifth,
      student: money(studentPremium(this.figures), language),
    };
  }
}
