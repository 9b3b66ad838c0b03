import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { ensureBuilt } from './support/app-process';

const ROOT = join(__dirname, '..');

describe('channels:messenger-profile', () => {
  let graph: PlatformFake;
  let url: string;

  beforeAll(async () => {
    ensureBuilt();
    graph = graphFake();
    url = await graph.start();
  });
  afterAll(() => graph?.stop());

  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // Asynchronous: a blocking spawn would stall the fake server living in this very process.
      const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/messenger-profile.js'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });

  const env = () => ({
    DATA_DIR: join(tmpdir(), 'outreach-profile-test'),
    MESSENGER_APP_SECRET: 's',
    MESSENGER_VERIFY_TOKEN: 'v',
    MESSENGER_PAGE_ID: 'PAGE_1',
    MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_TOKEN',
    MESSENGER_API_URL: `${url}/v25.0`,
    USER_KEY_SECRET: 'x'.repeat(40),
    SESSION_SECRET: 'y'.repeat(40),
  });

  it('should set Get Started, greetings, the persistent menu and ice breakers in vi and en from the locales', async () => {
    const result = await run(['--unit', 'so-y-te-khanh-hoa'], env());
    expect(result.stderr).not.toMatch(/PAGE_TOKEN/);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ unit: 'so-y-te-khanh-hoa', page: 'PAGE_1' });
    const [request] = graph.on('POST /v25.0/me/messenger_profile');
    expect(request.query.access_token).toBe('PAGE_TOKEN');
    const body = request.body as {
      get_started: { payload: string };
      greeting: { locale: string; text: string }[];
      persistent_menu: { locale: string; call_to_actions: { title: string }[] }[];
      ice_breakers: { locale: string; call_to_actions: { question: string; payload: string }[] }[];
    };
    expect(body.get_started).toEqual({ payload: 'GET_STARTED' });
    expect(body.greeting.map((g) => g.locale)).toEqual(['default', 'en_US']);
    expect(body.greeting[0].text).toContain('Sở Y tế tỉnh Khánh Hòa');
    expect(body.greeting[1].text).toContain('Khánh Hòa Department of Health');
    expect(
      body.greeting.every((g) => g.text.includes('{{user_first_name}}') && [...g.text].length <= 160),
    ).toBe(true);
    expect(body.persistent_menu.every((m) => m.call_to_actions.every((c) => [...c.title].length <= 30))).toBe(
      true,
    );
    expect(body.ice_breakers.every((i) => i.call_to_actions.length <= 4)).toBe(true);
  });

  it('should refuse an unknown unit and a unit without a page, in one line', async () => {
    const unknown = await run(['--unit', 'nope'], env());
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^channels:messenger-profile: unknown unit "nope"/);
    const noPage = await run(['--unit', 'bvdkkv-ninh-hoa'], env());
    expect(noPage.status).toBe(1);
    expect(noPage.stderr).toMatch(/has no Messenger page configured/);
  });
});
