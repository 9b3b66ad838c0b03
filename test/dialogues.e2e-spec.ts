import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isAllowedLink } from '../intents/common/allowed-domains';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';

/** One scripted conversation of intents/<name>/dialogues.yaml. */
interface Dialogue {
  name: string;
  unit?: string;
  /** yes (default): the privacy choice is made first; no: declined; none: the conversation starts bare. */
  consent?: 'yes' | 'no' | 'none';
  turns: {
    text?: string;
    payload?: string;
    /** Continue as another citizen (a fresh session), e.g. to look up someone's ticket code. */
    session?: 'other';
    expect?: {
      /** A regular expression whose first match is kept as {{captured}} for later turns. */
      capture?: string;
      intent?: string;
      topic?: string;
      language?: 'vi' | 'en';
      contains?: string[];
      notContains?: string[];
      matches?: string;
      quickReplies?: string[];
      noQuickReplies?: boolean;
      buttons?: string[];
      noReplies?: boolean;
    };
  }[];
}

interface ChatResponse {
  replies: {
    text: string;
    quickReplies?: { title: string; payload: string }[];
    buttons?: { url?: string; phone?: string; payload?: string }[];
  }[];
  intent: string;
  topic?: string;
  language: 'vi' | 'en';
}

const root = join(__dirname, '..', 'intents');
/** DIALOGUES=complaint,emergency replays only those intents' conversations (while working on them). */
const only = process.env.DIALOGUES?.split(',').filter(Boolean);
const files = readdirSync(root)
  .filter((folder) => !only?.length || only.includes(folder))
  .map((folder) => join(root, folder, 'dialogues.yaml'))
  .filter((file) => existsSync(file));
const suites = files.map((file) => ({
  file: file.slice(root.length + 1),
  dialogues: (parse(readFileSync(file, 'utf8')) as { dialogues: Dialogue[] }).dialogues,
}));

describe.each(testDatabases())('scripted conversations (%s)', (database) => {
  let t: TestApp;
  let session = 0;

  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should find dialogues for every intent module', () => {
    expect(suites.map((s) => s.file.split('/')[0]).sort()).toEqual(
      expect.arrayContaining(
        [
          'complaint',
          'emergency',
          'fallback',
          'greeting',
          'health-insurance',
          'human',
          'language',
          'privacy',
          'public-services',
          'subscription',
          'unit-info',
          'vneid',
        ].filter((folder) => !only?.length || only.includes(folder)),
      ),
    );
  });

  for (const suite of suites) {
    describe(suite.file, () => {
      it.each(suite.dialogues.map((d) => [d.name, d] as const))('%s', async (_name, dialogue) => {
        let sessionId = `dlg-${database}-${++session}-${Date.now().toString(36)}`;
        const failures: string[] = [];
        const send = async (body: { text?: string; payload?: string }) => {
          const res = await t
            .http()
            .post('/api/chat')
            .send({ sessionId, unit: dialogue.unit, ...body });
          if (res.status !== 200) failures.push(`HTTP ${res.status} for ${JSON.stringify(body)}`);
          const chat = res.body as ChatResponse;
          // Every reply stays within the channels' limits and links only to allowed https sites.
          for (const reply of chat.replies ?? []) {
            if ([...reply.text].length > 2000)
              failures.push(`text over 2000 characters: ${reply.text.slice(0, 40)}`);
            for (const q of reply.quickReplies ?? [])
              if ([...q.title].length > 20) failures.push(`quick reply over 20: ${q.title}`);
            for (const b of reply.buttons ?? [])
              if (b.url && !isAllowedLink(b.url)) failures.push(`link not allowed: ${b.url}`);
          }
          return chat;
        };
        if ((dialogue.consent ?? 'yes') !== 'none')
          await send({ payload: dialogue.consent === 'no' ? 'CONSENT_NO' : 'CONSENT_YES' });
        let captured = '';
        for (const [i, turn] of dialogue.turns.entries()) {
          if (turn.session === 'other') sessionId = `${sessionId}-other`;
          const fill = (v: string | undefined) => v?.replace('{{captured}}', captured);
          const res = await send(
            turn.text !== undefined ? { text: fill(turn.text) } : { payload: fill(turn.payload) },
          );
          const e = turn.expect;
          if (!e) continue;
          const where = `turn ${i + 1} (${turn.text ?? turn.payload})`;
          const fail = (what: string) => failures.push(`${where}: ${what}`);
          const all = res.replies.map((r) => r.text).join('\n\n');
          const quick = res.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.payload);
          const buttons = res.replies
            .flatMap((r) => r.buttons ?? [])
            .map((b) => b.url ?? b.phone ?? b.payload);
          if (e.intent && res.intent !== e.intent) fail(`intent ${res.intent}, expected ${e.intent}`);
          if (e.topic && res.topic !== e.topic) fail(`topic ${res.topic}, expected ${e.topic}`);
          if (e.language && res.language !== e.language)
            fail(`language ${res.language}, expected ${e.language}`);
          for (const s of e.contains ?? [])
            if (!all.includes(s)) fail(`text lacks "${s}": ${all.slice(0, 300)}`);
          for (const s of e.notContains ?? []) if (all.includes(s)) fail(`text contains "${s}"`);
          if (e.matches && !new RegExp(e.matches).test(all))
            fail(`text does not match /${e.matches}/: ${all.slice(0, 200)}`);
          for (const p of e.quickReplies ?? [])
            if (!quick.includes(p)) fail(`no quick reply ${p} in [${quick.join(', ')}]`);
          if (e.noQuickReplies && quick.length) fail(`unexpected quick replies [${quick.join(', ')}]`);
          for (const b of e.buttons ?? [])
            if (!buttons.includes(b)) fail(`no button ${b} in [${buttons.join(', ')}]`);
          if (e.noReplies && res.replies.length) fail(`expected silence, got ${res.replies.length} replies`);
          if (!e.noReplies && !res.replies.length) fail('no reply');
          if (e.capture) {
            const m = new RegExp(e.capture).exec(all);
            if (!m) fail(`nothing matches /${e.capture}/ to capture`);
            captured = m?.[0] ?? '';
          }
        }
        expect(failures).toEqual([]);
      });
    });
  }
});
