import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { TopicCatalogue } from '../common/topic-catalogue';
import { asOfDate, householdPremiums, loadFigures, money, studentPremium } from './figures';

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
    return this.catalogue.answer(ctx);
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
