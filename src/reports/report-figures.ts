import { VN_OFFSET_MS } from '../common/clock';
import { PLAN_ITEMS, type PlanItem } from '../messaging/plan-item';

import type { LogRecord } from '../interactions/log-record';

/**
 * Turns that are not a question: greetings and thanks, a language switch, the answer to the
 * satisfaction question, the privacy notice. Everything else a citizen sent is a question.
 */
export const NOT_QUESTIONS: ReadonlySet<string> = new Set([
  'greeting',
  'language',
  'satisfaction',
  'privacy',
  'none',
]);

/** Outcomes where the bot itself served the citizen: an answer, a filed ticket, the emergency reply. */
export const ANSWERED_AUTOMATICALLY: ReadonlySet<string> = new Set(['answered', 'ticket', 'emergency']);

export interface CoreFigures {
  /** Số lượt tương tác: every turn recorded. */
  interactions: number;
  /** Số người dân được tuyên truyền: distinct pseudonymous user keys. */
  citizens: number;
  questions: number;
  answeredAutomatically: number;
  /** Tỷ lệ câu hỏi được trả lời tự động: answeredAutomatically / questions (null without questions). */
  automaticRate: number | null;
  englishInteractions: number;
  englishCitizens: number;
  satisfactionUp: number;
  satisfactionDown: number;
  /** Tỷ lệ hài lòng: up / (up + down), null when nobody answered the question. */
  satisfactionRate: number | null;
  fallbackTurns: number;
}

export interface Figures extends CoreFigures {
  byPlanItem: { planItem: PlanItem; interactions: number; citizens: number }[];
  byChannelLanguage: { channel: string; language: string; interactions: number; citizens: number }[];
  byDay: {
    day: string;
    interactions: number;
    questions: number;
    answeredAutomatically: number;
    english: number;
  }[];
  byIntent: { intent: string; interactions: number }[];
  byOutcome: { outcome: string; interactions: number }[];
  satisfactionByIntent: { intent: string; up: number; down: number }[];
  firstAt: number | null;
  lastAt: number | null;
}

/**
 * Distinct-user counting in bounded memory: an open-addressing set of the first 52 bits of each
 * (already uniformly random) HMAC key, 8 bytes a slot. Two users colliding among a million has a
 * probability of about 1 in 10,000 and would undercount by one.
 */
export class DistinctKeys {
  private slots = new Float64Array(1024);
  private count = 0;

  /** A user key's slot value, worked out once per record for the several sets it goes into. */
  static keyOf(userKey: string): number {
    // +1 keeps 0 free as the empty-slot marker.
    return parseInt(userKey.slice(0, 13), 16) + 1;
  }

  add(userKey: string): void {
    this.addKey(DistinctKeys.keyOf(userKey));
  }

  addKey(key: number): void {
    this.insert(key);
  }

  get size(): number {
    return this.count;
  }

  private insert(key: number): void {
    const mask = this.slots.length - 1;
    let i = key % (mask + 1);
    for (;;) {
      const slot = this.slots[i];
      if (slot === key) return;
      if (slot === 0) break;
      i = (i + 1) & mask;
    }
    this.slots[i] = key;
    if (++this.count * 2 > this.slots.length) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.count = 0;
    for (const key of old) if (key !== 0) this.insert(key);
  }
}

const DAY_MS = 86_400_000;
/** Local (UTC+7) day number of an instant: days since 1970-01-01 in Viet Nam. */
const localDayNumber = (at: number) => Math.floor((at + VN_OFFSET_MS) / DAY_MS);
const isoDay = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Streams records in, figures out: memory grows with distinct users and days, not with records. */
export class FigureAccumulator {
  private interactions = 0;
  private readonly citizens = new DistinctKeys();
  private questions = 0;
  private answered = 0;
  private english = 0;
  private readonly englishCitizens = new DistinctKeys();
  private up = 0;
  private down = 0;
  private fallback = 0;
  private firstAt: number | null = null;
  private lastAt: number | null = null;
  private readonly planItems = new Map<PlanItem, { n: number; users: DistinctKeys }>();
  /** A record's planItems text split once per distinct text (there are few). */
  private readonly planItemLists = new Map<string, PlanItem[]>();
  /** Looked up by channel, then language; listed in the order the pairs first came. */
  private readonly channelLanguage = new Map<string, Map<string, ChannelLanguage>>();
  private readonly channelLanguages: ChannelLanguage[] = [];
  private readonly days = new Map<number, Figures['byDay'][number]>();
  /** Records come in time order: most share the previous one's day. */
  private lastDay: { dayNumber: number; figures: Figures['byDay'][number] } | null = null;
  private readonly intents = new Map<string, number>();
  private readonly outcomes = new Map<string, number>();
  private readonly satisfactionByIntent = new Map<string, { up: number; down: number }>();
  /** The intent each conversation's last served answer had, so a rating is credited to it. */
  private readonly lastAnswered = new Map<string, string>();

  add(row: LogRecord): void {
    const conversationId = row.conversationId;
    const user = DistinctKeys.keyOf(row.userKey);
    this.interactions++;
    this.citizens.addKey(user);
    this.firstAt = this.firstAt === null ? row.occurredAt : Math.min(this.firstAt, row.occurredAt);
    this.lastAt = this.lastAt === null ? row.occurredAt : Math.max(this.lastAt, row.occurredAt);
    const question = !NOT_QUESTIONS.has(row.intent);
    const answered = question && ANSWERED_AUTOMATICALLY.has(row.outcome);
    if (question) this.questions++;
    if (answered) this.answered++;
    if (row.outcome === 'fallback' || row.outcome === 'clarified') this.fallback++;
    const english = row.language === 'en';
    if (english) {
      this.english++;
      this.englishCitizens.addKey(user);
    }
    if (row.satisfaction === 'up') this.up++;
    if (row.satisfaction === 'down') this.down++;
    if (row.satisfaction === 'up' || row.satisfaction === 'down') {
      const rated = this.lastAnswered.get(conversationId) || 'unknown';
      const s = this.satisfactionByIntent.get(rated) ?? { up: 0, down: 0 };
      s[row.satisfaction]++;
      this.satisfactionByIntent.set(rated, s);
    } else if (answered) {
      this.lastAnswered.set(conversationId, row.intent);
    }
    for (const item of this.planItemList(row.planItems)) {
      const p = this.planItems.get(item) ?? { n: 0, users: new DistinctKeys() };
      p.n++;
      p.users.addKey(user);
      this.planItems.set(item, p);
    }
    const c = this.channelLanguageOf(row.channel, row.language);
    c.n++;
    c.users.addKey(user);
    const d = this.dayOf(row.occurredAt);
    d.interactions++;
    if (question) d.questions++;
    if (answered) d.answeredAutomatically++;
    if (english) d.english++;
    this.intents.set(row.intent, (this.intents.get(row.intent) ?? 0) + 1);
    this.outcomes.set(row.outcome, (this.outcomes.get(row.outcome) ?? 0) + 1);
  }

  private planItemList(text: string): PlanItem[] {
    let list = this.planItemLists.get(text);
    if (!list) {
      list = text.split(',').filter(Boolean) as PlanItem[];
      this.planItemLists.set(text, list);
    }
    return list;
  }

  private channelLanguageOf(channel: string, language: string): ChannelLanguage {
    let languages = this.channelLanguage.get(channel);
    if (!languages) this.channelLanguage.set(channel, (languages = new Map<string, ChannelLanguage>()));
    let c = languages.get(language);
    if (!c) {
      c = { channel, language, n: 0, users: new DistinctKeys() };
      languages.set(language, c);
      this.channelLanguages.push(c);
    }
    return c;
  }

  private dayOf(at: number): Figures['byDay'][number] {
    const dayNumber = localDayNumber(at);
    if (this.lastDay?.dayNumber === dayNumber) return this.lastDay.figures;
    let figures = this.days.get(dayNumber);
    if (!figures) {
      figures = {
        day: isoDay(dayNumber),
        interactions: 0,
        questions: 0,
        answeredAutomatically: 0,
        english: 0,
      };
      this.days.set(dayNumber, figures);
    }
    this.lastDay = { dayNumber, figures };
    return figures;
  }

  result(): Figures {
    const known = PLAN_ITEMS.filter((p) => this.planItems.has(p));
    const extra = [...this.planItems.keys()].filter((p) => !(PLAN_ITEMS as readonly string[]).includes(p));
    return {
      interactions: this.interactions,
      citizens: this.citizens.size,
      questions: this.questions,
      answeredAutomatically: this.answered,
      automaticRate: ratio(this.answered, this.questions),
      englishInteractions: this.english,
      englishCitizens: this.englishCitizens.size,
      satisfactionUp: this.up,
      satisfactionDown: this.down,
      satisfactionRate: ratio(this.up, this.up + this.down),
      fallbackTurns: this.fallback,
      byPlanItem: [...known, ...extra].map((planItem) => ({
        planItem,
        interactions: this.planItems.get(planItem)!.n,
        citizens: this.planItems.get(planItem)!.users.size,
      })),
      byChannelLanguage: this.channelLanguages
        .map((c) => ({ channel: c.channel, language: c.language, interactions: c.n, citizens: c.users.size }))
        .sort((a, b) => b.interactions - a.interactions || a.channel.localeCompare(b.channel)),
      byDay: [...this.days.values()].sort((a, b) => a.day.localeCompare(b.day)),
      byIntent: sortedCounts(this.intents).map(([intent, interactions]) => ({ intent, interactions })),
      byOutcome: sortedCounts(this.outcomes).map(([outcome, interactions]) => ({ outcome, interactions })),
      satisfactionByIntent: [...this.satisfactionByIntent.entries()]
        .map(([intent, v]) => ({ intent, ...v }))
        .sort((a, b) => b.up + b.down - (a.up + a.down)),
      firstAt: this.firstAt,
      lastAt: this.lastAt,
    };
  }
}

interface ChannelLanguage {
  channel: string;
  language: string;
  n: number;
  users: DistinctKeys;
}

function sortedCounts(map: Map<string, number>): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Every day of a period, so a report shows the quiet days as zeros rather than leaving them out. */
export function fillDays(byDay: Figures['byDay'], firstDay: string, lastDay: string): Figures['byDay'] {
  const known = new Map(byDay.map((d) => [d.day, d]));
  const out: Figures['byDay'] = [];
  for (let t = Date.parse(`${firstDay}T00:00:00Z`); t <= Date.parse(`${lastDay}T00:00:00Z`); t += 86400000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(known.get(day) ?? { day, interactions: 0, questions: 0, answeredAutomatically: 0, english: 0 });
  }
  return out;
}

/** A seeded reservoir: the same data and period always give the same log sample. */
export class Reservoir<T> {
  private readonly items: T[] = [];
  private seen = 0;
  private state: number;

  constructor(
    private readonly size: number,
    seed: string,
  ) {
    let h = 2166136261;
    for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    this.state = h >>> 0 || 1;
  }

  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.size) {
      this.items.push(item);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.size) this.items[j] = item;
  }

  values(): T[] {
    return [...this.items];
  }

  private random(): number {
    // xorshift32
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }
}
