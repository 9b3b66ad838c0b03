import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLanguage, type Language } from '../messaging/language';
import { runCli, UsageError } from './cli-support';

const USAGE = 'usage: npm run -s dialogue:eval -- FILE [--errors] [--json] [--trace ID,ID…]';

export interface EvalTurn {
  text: string;
  intent: string;
  language: Language;
}

export interface EvalDialogue {
  id: string;
  category: string;
  turns: EvalTurn[];
}

export interface TurnOutcome {
  dialogue: string;
  category: string;
  index: number;
  text: string;
  expected: { intent: string; language: Language };
  got: { intent: string; language: string };
}

export interface DialogueScore {
  turns: { total: number; right: number };
  dialogues: { total: number; right: number };
  byCategory: Record<string, { turns: number; right: number; dialogues: number; dialoguesRight: number }>;
  /** Emergency turns (expected) in categories that hold a flow or a follow-up chain. */
  emergencies: { total: number; right: number };
  errors: TurnOutcome[];
}

/** One JSON object per line: {id, category, turns: [{text, intent, language}]}; bad lines are named. */
export function parseDialogues(source: string): EvalDialogue[] {
  const dialogues: EvalDialogue[] = [];
  for (const [i, line] of source.split('\n').entries()) {
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new UsageError(`line ${i + 1}: not JSON`);
    }
    const d = row as Partial<EvalDialogue>;
    if (!d.id || !d.category || !Array.isArray(d.turns) || !d.turns.length)
      throw new UsageError(`line ${i + 1}: needs id, category and turns`);
    for (const t of d.turns) {
      if (typeof t?.text !== 'string' || typeof t.intent !== 'string' || !isLanguage(t.language))
        throw new UsageError(`line ${i + 1}: each turn needs text, intent and language vi|en`);
    }
    dialogues.push(d as EvalDialogue);
  }
  return dialogues;
}

/** A turn is right when the bot acted on the expected intent and replied in the expected language. */
export function scoreDialogues(outcomes: TurnOutcome[]): DialogueScore {
  const score: DialogueScore = {
    turns: { total: 0, right: 0 },
    dialogues: { total: 0, right: 0 },
    byCategory: {},
    emergencies: { total: 0, right: 0 },
    errors: [],
  };
  const perDialogue = new Map<string, { category: string; right: boolean }>();
  for (const o of outcomes) {
    const right = o.got.intent === o.expected.intent && o.got.language === o.expected.language;
    const cat = (score.byCategory[o.category] ??= { turns: 0, right: 0, dialogues: 0, dialoguesRight: 0 });
    cat.turns++;
    score.turns.total++;
    if (right) {
      cat.right++;
      score.turns.right++;
    } else score.errors.push(o);
    if (o.expected.intent === 'emergency') {
      score.emergencies.total++;
      if (o.got.intent === 'emergency') score.emergencies.right++;
    }
    const d = perDialogue.get(o.dialogue) ?? { category: o.category, right: true };
    d.right &&= right;
    perDialogue.set(o.dialogue, d);
  }
  for (const d of perDialogue.values()) {
    const cat = score.byCategory[d.category];
    cat.dialogues++;
    score.dialogues.total++;
    if (d.right) {
      cat.dialoguesRight++;
      score.dialogues.right++;
    }
  }
  return score;
}

const pct = (right: number, total: number) => (total ? ((100 * right) / total).toFixed(1) : '—');

export function formatDialogueScore(score: DialogueScore, withErrors: boolean): string {
  const lines = [
    `turns right (intent and reply language): ${pct(score.turns.right, score.turns.total)} % (${score.turns.right}/${score.turns.total})`,
    `conversations entirely right: ${pct(score.dialogues.right, score.dialogues.total)} % (${score.dialogues.right}/${score.dialogues.total})`,
    `emergency turns answered as emergencies: ${pct(score.emergencies.right, score.emergencies.total)} % (${score.emergencies.right}/${score.emergencies.total})`,
    '',
    'category               turns right        conversations right',
  ];
  for (const [name, c] of Object.entries(score.byCategory).sort()) {
    lines.push(
      `${name.padEnd(22)} ${`${pct(c.right, c.turns)} % (${c.right}/${c.turns})`.padEnd(18)} ${pct(c.dialoguesRight, c.dialogues)} % (${c.dialoguesRight}/${c.dialogues})`,
    );
  }
  if (withErrors && score.errors.length) {
    lines.push('', 'wrong turns:');
    for (const e of score.errors)
      lines.push(
        `  ${e.dialogue}#${e.index + 1} [${e.category}] "${e.text}": got ${e.got.intent}/${e.got.language}, expected ${e.expected.intent}/${e.expected.language}`,
      );
  }
  return lines.join('\n') + '\n';
}

/**
 * npm run -s dialogue:eval: plays each conversation through the real web chat (the whole app on a
 * throw-away SQLite database, in process) and scores every turn's intent and reply language.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new UsageError(USAGE);
  const traced = new Set(
    (args.find((a) => a.startsWith('--trace='))?.slice('--trace='.length) ?? '').split(',').filter(Boolean),
  );
  const all = parseDialogues(readFileSync(file, 'utf8'));
  // --trace=ID,…: only those conversations, with the bot's replies, to see why a turn went wrong.
  const dialogues = traced.size ? all.filter((d) => traced.has(d.id)) : all;

  const dataDir = mkdtempSync(join(tmpdir(), 'outreach-dialogue-eval-'));
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${join(dataDir, 'eval.sqlite')}`,
    LOG_LEVEL: 'error',
    USER_KEY_SECRET: process.env.USER_KEY_SECRET ?? 'dialogue-eval-user-key-0123456789abcdef',
    SESSION_SECRET: process.env.SESSION_SECRET ?? 'dialogue-eval-session-0123456789abcdef',
    // One process plays every citizen from one address, far faster than people.
    WEB_CHAT_RATE_PER_MINUTE: '100000',
    WEB_CHAT_IP_RATE_PER_MINUTE: '100000',
  });
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { AppModule } = require('../app.module') as typeof import('../app.module');
  const { createApp } = require('../app.factory') as typeof import('../app.factory');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await createApp(AppModule, { logger: false });
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const outcomes: TurnOutcome[] = [];
  try {
    for (const [n, dialogue] of dialogues.entries()) {
      const sessionId = `eval-${n}-${Date.now().toString(36)}`;
      const send = async (body: { text?: string; payload?: string }) => {
        const res = await fastify.inject({
          method: 'POST',
          url: '/api/chat',
          payload: { sessionId, ...body },
        });
        if (res.statusCode !== 200) return { intent: `HTTP ${res.statusCode}`, language: '?' };
        const json = res.json<{
          intent: string;
          topic?: string;
          language: string;
          replies: { text: string }[];
        }>();
        if (traced.size && body.text !== undefined)
          process.stdout.write(
            `  > ${body.text}\n  < [${json.intent}:${json.topic ?? ''} ${json.language}] ${json.replies
              .map((r) => r.text.replace(/\s+/g, ' ').slice(0, 160))
              .join(' | ')}\n`,
          );
        return { intent: json.intent, language: json.language };
      };
      // As a citizen would: the privacy choice first, then the conversation.
      await send({ payload: 'CONSENT_YES' });
      if (traced.size) process.stdout.write(`${dialogue.id} [${dialogue.category}]\n`);
      for (const [index, turn] of dialogue.turns.entries()) {
        const got = await send({ text: turn.text });
        outcomes.push({
          dialogue: dialogue.id,
          category: dialogue.category,
          index,
          text: turn.text,
          expected: { intent: turn.intent, language: turn.language },
          got,
        });
      }
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const score = scoreDialogues(outcomes);
  if (args.includes('--json')) {
    const { errors, ...summary } = score;
    process.stdout.write(JSON.stringify({ ...summary, errors: errors.length }) + '\n');
  } else process.stdout.write(formatDialogueScore(score, args.includes('--errors')));
}

if (require.main === module) runCli('dialogue:eval', main);
