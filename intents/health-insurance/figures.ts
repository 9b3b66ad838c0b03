import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fromRoot } from '../../src/common/project-root';

interface Figures {
  baseSalary: { value: number; asOf: string };
  household: { firstMemberRate: number; ladder: number[] };
  student: { rate: number; minimumStateSupport: number };
}

export function loadFigures(path = fromRoot('intents/health-insurance/figures.yaml')): Figures {
  return parse(readFileSync(path, 'utf8')) as Figures;
}

/** Yearly premium of each household member (1st, 2nd, …, 5th and later), rounded to the đồng. */
export function householdPremiums(f: Figures): number[] {
  const first = f.baseSalary.value * f.household.firstMemberRate * 12;
  return f.household.ladder.map((share) => Math.round(first * share));
}

/** The most a student pays per year before any provincial support. */
export function studentPremium(f: Figures): number {
  return Math.round(f.baseSalary.value * f.student.rate * 12 * (1 - f.student.minimumStateSupport));
}

export function money(amount: number, language: 'vi' | 'en'): string {
  return language === 'vi'
    ? `${amount.toLocaleString('de-DE')} đồng`
    : `${amount.toLocaleString('en-US')} VND`;
}

export function asOfDate(iso: string, language: 'vi' | 'en'): string {
  const [y, m, d] = iso.split('-').map(Number);
  return language === 'vi'
    ? `${d}/${m}/${y}`
    : new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
}
