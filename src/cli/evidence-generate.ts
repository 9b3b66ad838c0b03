import { randomBytes } from 'node:crypto';
import { DatabaseService } from '../database/database.service';
import { chainHash, GENESIS_HASH, type ChainedContent } from '../interactions/hash-chain';
import { InteractionsService } from '../interactions/interactions.service';
import type { PlanItem } from '../messaging/plan-item';
import { parsePeriod } from '../reports/report-period';
import { UnitsService } from '../units/units.service';
import { evidenceContext, parseArgs, runCli, UsageError } from './cli-support';

const USAGE =
  'usage: npm run -s evidence:generate -- --unit ID --count N [--period 2026] [--users N] [--seed TEXT]';

/** Intent mix of the synthetic log (weights), with the plan items and outcomes they carry. */
const MIX: { intent: string; topic: string; plan: PlanItem[]; weight: number }[] = [
  { intent: 'vneid', topic: 'forgot_password', plan: ['vneid'], weight: 18 },
  { intent: 'vneid', topic: 'level2', plan: ['vneid'], weight: 8 },
  { intent: 'public_services', topic: 'submit_online', plan: ['online_public_services'], weight: 10 },
  { intent: 'health_insurance', topic: 'household', plan: ['health_insurance'], weight: 14 },
  { intent: 'health_insurance', topic: 'referral', plan: ['health_insurance'], weight: 6 },
  { intent: 'complaint', topic: 'channels', plan: ['feedback_channels'], weight: 5 },
  { intent: 'unit_info', topic: 'hours', plan: ['unit_services'], weight: 12 },
  { intent: 'greeting', topic: 'hello', plan: [], weight: 10 },
  { intent: 'satisfaction', topic: 'up', plan: [], weight: 5 },
  { intent: 'fallback', topic: 'weather', plan: [], weight: 7 },
  { intent: 'human', topic: 'request', plan: [], weight: 3 },
  { intent: 'emergency', topic: 'emergency', plan: [], weight: 2 },
];

/** A small deterministic generator, so the same seed gives the same log. */
function prng(seed: string): () => number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let x = h >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * npm run -s evidence:generate: fills the log with N synthetic interactions spread over a period,
 * chained exactly as real ones (for benchmarks and demonstrations; never on a production database).
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['unit', 'count', 'period', 'users', 'seed'], USAGE);
  const unitId = args.get('unit');
  const count = Number(args.get('count'));
  if (!unitId || !Number.isInteger(count) || count <= 0) throw new UsageError(USAGE);
  const period = parsePeriod(args.get('period') ?? String(new Date().getFullYear()));
  const users = Number(args.get('users') ?? Math.max(1, Math.round(count / 4)));
  const random = prng(args.get('seed') ?? 'outreach');
  const app = await evidenceContext();
  try {
    if (!app.get(UnitsService).get(unitId)) throw new UsageError(`unknown unit "${unitId}"`);
    const db = app.get(DatabaseService);
    const interactions = app.get(InteractionsService);
    const started = Date.now();
    const head = (await interactions.head(unitId)) ?? { seq: 0, hash: GENESIS_HASH };
    let seq = head.seq;
    let prev = head.hash || GENESIS_HASH;
    const span = period.to.getTime() - period.from.getTime();
    const step = span / count;
    const totalWeight = MIX.reduce((s, m) => s + m.weight, 0);
    const batch = db.kind === 'sqlite' ? 20000 : 10000;
    const columns = [
      'unitId',
      'seq',
      'occurredAt',
      'channel',
      'conversationId',
      'userKey',
      'language',
      'intent',
      'topic',
      'confidence',
      'userText',
      'replyText',
      'replyKeys',
      'contentVersion',
      'planItems',
      'outcome',
      'satisfaction',
      'latencyMs',
      'inboxEventId',
      'prevHash',
      'hash',
    ];
    const perStatement = Math.floor(900 / columns.length) * (db.kind === 'sqlite' ? 1 : 5);
    for (let done = 0; done < count;) {
      const n = Math.min(batch, count - done);
      const rows: unknown[][] = [];
      for (let i = 0; i < n; i++) {
        const at = Math.floor(period.from.getTime() + (done + i) * step + random() * step * 0.9);
        let pick = random() * totalWeight;
        const mix = MIX.find((m) => (pick -= m.weight) < 0) ?? MIX[0];
        const user = Math.floor(random() * users);
        const language = random() < 0.12 ? 'en' : 'vi';
        const channel = random() < 0.5 ? 'messenger' : random() < 0.8 ? 'zalo' : 'web';
        const plan = [
          ...mix.plan,
          ...(language === 'en' ? (['english_programme'] as PlanItem[]) : []),
        ].sort();
        const outcome =
          mix.intent === 'fallback'
            ? 'fallback'
            : mix.intent === 'human'
              ? 'handoff'
              : mix.intent === 'emergency'
                ? 'emergency'
                : 'answered';
        const content: ChainedContent = {
          unitId,
          seq: ++seq,
          occurredAt: at,
          channel,
          conversationId: `00000000-0000-4000-8000-${String(user).padStart(12, '0')}`,
          userKey: interactions.userKey(channel, `synthetic-${user}`),
          language,
          intent: mix.intent,
          topic: mix.topic,
          confidence: Math.round((0.6 + random() * 0.4) * 10000) / 10000,
          userText: random() < 0.5 ? `synthetic question ${randomBytes(3).toString('hex')}` : null,
          replyText: `synthetic reply ${mix.intent}:${mix.topic}`,
          replyKeys: [`${mix.intent}:${mix.topic}`],
          contentVersion: interactions.contentVersion,
          planItems: plan.length ? `,${plan.join(',')},` : '',
          outcome,
          satisfaction: mix.intent === 'satisfaction' ? (random() < 0.85 ? 'up' : 'down') : null,
          latencyMs: Math.floor(20 + random() * 200),
          inboxEventId: null,
          prevHash: prev,
        };
        const hash = chainHash(prev, content);
        prev = hash;
        rows.push(
          columns.map((c) =>
            c === 'hash'
              ? hash
              : c === 'replyKeys'
                ? JSON.stringify(content.replyKeys)
                : (content as unknown as Record<string, unknown>)[c],
          ),
        );
      }
      await db.transaction(async (manager) => {
        for (let i = 0; i < rows.length; i += perStatement) {
          const chunk = rows.slice(i, i + perStatement);
          let k = 0;
          const values = chunk.map(() => `(${columns.map(() => db.param(++k)).join(',')})`).join(',');
          await manager.query(
            `INSERT INTO "interaction_record" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${values}`,
            chunk.flat(),
          );
        }
        const p = (i: number) => db.param(i);
        await manager.query(
          `INSERT INTO "interaction_chain" ("unitId", "seq", "hash") VALUES (${p(1)}, ${p(2)}, ${p(3)})
             ON CONFLICT ("unitId") DO UPDATE SET "seq" = excluded."seq", "hash" = excluded."hash"`,
          [unitId, seq, prev],
        );
      });
      done += n;
      process.stdout.write(`\r${done} / ${count}`);
    }
    process.stdout.write(
      `\ngenerated ${count} interactions for ${unitId} in ${period.label} (${users} users) in ${((Date.now() - started) / 1000).toFixed(1)} s; head #${seq}\n`,
    );
  } finally {
    await app.close();
  }
}

if (require.main === module) runCli('evidence:generate', main);
