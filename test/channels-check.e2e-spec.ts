import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformFake, type RecordedRequest, type ScriptedResponse } from './fakes/platform-fake';
import { fixture } from './support/channel-helpers';
import { ensureBuilt } from './support/app-process';

const ROOT = join(__dirname, '..');
const PAGE = 'PAGE_1';
const APP_ID = '1111111111111111';
const APP_SECRET = 'FAKE_SECRET';
// Zalo ids are longer than a double holds: the check must compare them as text.
const OA = '4318251392858470331';
const ZALO_APP_SECRET = 'ZALO_APP_SECRET_X';
const ALL_FIELDS = [
  'messages',
  'messaging_postbacks',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'messaging_handovers',
  'standby',
  'messaging_referrals',
];

/** What the fake Graph API knows: which token is whose, which apps the page has. */
const graphState = {
  tokens: new Map<string, { id: string; name: string }>(),
  subscribedApps: [] as { id: string; name: string; subscribed_fields: string[] }[],
};

/** What the fake Zalo knows: live access tokens, live (single-use) refresh tokens. */
const zaloState = { access: new Set<string>(), refresh: new Set<string>(), issued: 0 };

function graph(r: RecordedRequest): ScriptedResponse {
  const token = r.query.access_token;
  const owner = graphState.tokens.get(token);
  if (!owner) return { status: 400, body: fixture('messenger/error-invalid-token-190.json') };
  if (
    r.query.appsecret_proof !== undefined &&
    r.query.appsecret_proof !== createHmac('sha256', APP_SECRET).update(token).digest('hex')
  )
    // Constructed: the message as quoted in public bug reports (facebookarchive/php-graph-sdk#800);
    // our spec documents no code for it, so the check reads the message.
    return {
      status: 400,
      body: {
        error: {
          message: 'Invalid appsecret_proof provided in the API argument',
          type: 'GraphMethodException',
          code: 100,
          fbtrace_id: 'FBTRACE_ID_PLACEHOLDER',
        },
      },
    };
  if (r.path === '/v25.0/me') return { body: owner };
  if (r.path === `/v25.0/${owner.id}/subscribed_apps`) return { body: { data: graphState.subscribedApps } };
  return { status: 404, body: { error: { message: 'unknown path', code: 803 } } };
}

function zalo(r: RecordedRequest): ScriptedResponse {
  if (r.method === 'GET' && r.path === '/v2.0/oa/getoa') {
    if (!zaloState.access.has(String(r.headers.access_token)))
      return { body: fixture('zalo/zalo-error-token-expired.json') };
    return { body: { error: 0, message: 'Success', data: { oa_id: OA, name: 'Sở Y tế Khánh Hòa' } } };
  }
  if (r.method === 'POST' && r.path === '/v4/oa/access_token') {
    const form = r.body as Record<string, string>;
    if (r.headers.secret_key !== ZALO_APP_SECRET || !zaloState.refresh.delete(form.refresh_token))
      // Constructed: the OAuth error shape of shared/docs/channels.md B.8 (rule 5); the code and
      // texts are ours, the spec documents none for a spent refresh token.
      return {
        body: {
          error: -14020,
          error_name: 'Invalid refresh token',
          error_reason: 'refresh token is invalid',
          error_description: 'refresh token was used or expired',
        },
      };
    const n = ++zaloState.issued;
    zaloState.access.add(`NEW_ACCESS_${n}`);
    zaloState.refresh.add(`NEW_REFRESH_${n}`);
    return {
      body: {
        ...fixture<Record<string, string>>('zalo/zalo-refresh-token-response.json'),
        access_token: `NEW_ACCESS_${n}`,
        refresh_token: `NEW_REFRESH_${n}`,
      },
    };
  }
  return { body: { error: -201, message: 'unknown path' } };
}

describe('channels:check', () => {
  const graphFake = new PlatformFake(graph);
  const zaloFake = new PlatformFake(zalo);
  let graphUrl: string;
  let zaloUrl: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    graphUrl = await graphFake.start();
    zaloUrl = await zaloFake.start();
  });
  afterAll(async () => {
    await graphFake.stop();
    await zaloFake.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    graphFake.clear();
    zaloFake.clear();
    graphState.tokens = new Map([
      ['PAGE_TOKEN', { id: PAGE, name: 'Sở Y tế Khánh Hòa' }],
      ['OTHER_PAGE_TOKEN', { id: 'PAGE_2', name: 'Another page' }],
    ]);
    graphState.subscribedApps = [{ id: APP_ID, name: 'Outreach bot', subscribed_fields: ALL_FIELDS }];
    zaloState.access = new Set(['ACCESS_1']);
    zaloState.refresh = new Set(['REFRESH_1']);
  });

  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // Asynchronous: a blocking spawn would stall the fakes living in this very process.
      const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/channels-check.js'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });

  const base = () => {
    const dir = mkdtempSync(join(tmpdir(), 'outreach-chcheck-'));
    dirs.push(dir);
    return {
      DATA_DIR: dir,
      USER_KEY_SECRET: 'x'.repeat(40),
      SESSION_SECRET: 'y'.repeat(40),
      MESSENGER_API_URL: `${graphUrl}/v25.0`,
      ZALO_API_URL: zaloUrl,
      ZALO_OAUTH_URL: zaloUrl,
    };
  };
  const messenger = (over: Record<string, string> = {}) => ({
    MESSENGER_APP_ID: APP_ID,
    MESSENGER_APP_SECRET: APP_SECRET,
    MESSENGER_VERIFY_TOKEN: 'v',
    MESSENGER_PAGE_ID: PAGE,
    MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_TOKEN',
    ...over,
  });
  const zaloEnv = (over: Record<string, string> = {}) => ({
    ZALO_APP_ID: 'ZALO_APP_ID_0001',
    ZALO_APP_SECRET: ZALO_APP_SECRET,
    ZALO_OA_ID: OA,
    ZALO_OA_SECRET_KEY: 'FAKE_OA_SECRET_KEY',
    ZALO_ACCESS_TOKEN: 'ACCESS_1',
    ZALO_REFRESH_TOKEN: 'REFRESH_1',
    ...over,
  });
  const UNIT = ['--unit', 'so-y-te-khanh-hoa'];

  it('should say ✓ for a page and an OA that are set up right, exit 0, and print no secret', async () => {
    const result = await run(UNIT, { ...base(), ...messenger(), ...zaloEnv() });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^✓ all units · Messenger: Graph API v25\.0/m);
    expect(out).toMatch(
      /^✓ so-y-te-khanh-hoa · Messenger page PAGE_1: the page token works and belongs to this page/m,
    );
    expect(out).toMatch(/^✓ .*Messenger page PAGE_1: Meta accepted an appsecret_proof/m);
    expect(out).toMatch(
      /^✓ .*Messenger page PAGE_1: app 1111111111111111 is subscribed to the page with every field/m,
    );
    expect(out).toMatch(new RegExp(`^✓ .*Zalo OA ${OA}: the OA secret key looks well-formed`, 'm'));
    expect(out).toMatch(
      new RegExp(`^✓ .*Zalo OA ${OA}: the stored access token works and belongs to this OA`, 'm'),
    );
    expect(out).toMatch(/^\? .*the refresh token was not tried: it works only once/m);
    expect(out).not.toMatch(/✗/);
    expect(out).not.toMatch(/PAGE_TOKEN|FAKE_SECRET|ACCESS_1|REFRESH_1|FAKE_OA_SECRET_KEY/);
    // Without --try-refresh the single-use refresh token is left alone.
    expect(zaloFake.on('POST /v4/oa/access_token')).toHaveLength(0);
    expect(zaloState.refresh.has('REFRESH_1')).toBe(true);
    expect(zaloFake.on('GET /v2.0/oa/getoa')[0].headers.access_token).toBe('ACCESS_1');
  });

  it('should explain an invalid page token (Graph 190) in plain words and exit 1', async () => {
    const result = await run(UNIT, { ...base(), ...messenger({ MESSENGER_PAGE_ACCESS_TOKEN: 'EXPIRED' }) });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /^✗ so-y-te-khanh-hoa · Messenger page PAGE_1: the page token is invalid or expired \(Meta: code 190\/1234567 "Invalid OAuth access token\.", fbtrace_id BLBz\/WZt8dN\): make a new long-lived page token .* MESSENGER_PAGE_ACCESS_TOKEN$/m,
    );
    // Every further call would fail the same way: one line, not four.
    expect(graphFake.requests).toHaveLength(1);
  });

  it('should tell when the token belongs to another page', async () => {
    const result = await run(UNIT, {
      ...base(),
      ...messenger({ MESSENGER_PAGE_ACCESS_TOKEN: 'OTHER_PAGE_TOKEN' }),
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /✗ .*Messenger page PAGE_1: the token belongs to page PAGE_2 \("Another page"\), not the configured page PAGE_1/,
    );
  });

  it('should tell when the app is not subscribed to the page, or misses fields', async () => {
    graphState.subscribedApps = [{ id: '999', name: 'Some other app', subscribed_fields: ['messages'] }];
    const absent = await run(UNIT, { ...base(), ...messenger() });
    expect(absent.status).toBe(1);
    expect(absent.stdout).toMatch(
      /✗ .*Messenger page PAGE_1: the app is not subscribed to the page \(subscribed: 999 "Some other app"\): subscribe app 1111111111111111/,
    );

    graphState.subscribedApps = [
      {
        id: APP_ID,
        name: 'Outreach bot',
        subscribed_fields: ALL_FIELDS.filter((f) => f !== 'standby' && f !== 'message_reads'),
      },
    ];
    const partial = await run(UNIT, { ...base(), ...messenger() });
    expect(partial.status).toBe(1);
    expect(partial.stdout).toMatch(
      /✗ .*app 1111111111111111 is subscribed to the page but not to message_reads, standby/,
    );
  });

  it('should find a wrong app secret through appsecret_proof', async () => {
    const result = await run(UNIT, { ...base(), ...messenger({ MESSENGER_APP_SECRET: 'WRONG_SECRET' }) });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/✓ .*the page token works/);
    expect(result.stdout).toMatch(
      /✗ .*Messenger page PAGE_1: the app secret in MESSENGER_APP_SECRET does not match the app that made the page token/,
    );
    const proof = graphFake.requests.find((r) => r.query.appsecret_proof)!;
    expect(proof.query.appsecret_proof).toBe(
      createHmac('sha256', 'WRONG_SECRET').update('PAGE_TOKEN').digest('hex'),
    );
  });

  it('should explain an expired Zalo access token (-216)', async () => {
    const result = await run(UNIT, { ...base(), ...zaloEnv({ ZALO_ACCESS_TOKEN: 'OLD_ACCESS' }) });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `✗ .*Zalo OA ${OA}: the stored access token: the access token is invalid or expired \\(Zalo: -216 "Access token is invalid"\\).*--try-refresh`,
      ),
    );
  });

  it('should, with --try-refresh, spend the refresh token and keep the new pair exactly as the bot does', async () => {
    const env = { ...base(), ...zaloEnv({ ZALO_ACCESS_TOKEN: 'OLD_ACCESS' }) };
    const first = await run([...UNIT, '--try-refresh'], env);
    expect(first.stdout).toMatch(
      /✓ .*the refresh token worked: Zalo issued a new pair, now stored \(encrypted\)/,
    );
    expect(first.stdout).toMatch(
      new RegExp(`✓ .*Zalo OA ${OA}: the new access token works and belongs to this OA`),
    );
    const [refresh] = zaloFake.on('POST /v4/oa/access_token');
    expect(refresh.headers.secret_key).toBe(ZALO_APP_SECRET);
    expect(refresh.body).toEqual({
      refresh_token: 'REFRESH_1',
      app_id: 'ZALO_APP_ID_0001',
      grant_type: 'refresh_token',
    });
    expect(zaloState.refresh.has('REFRESH_1')).toBe(false);
    // The expired access token is what the refresh is for: told, but not a failure once the refresh worked.
    expect(first.stdout).toMatch(/^\? .*the stored access token: the access token is invalid or expired/m);
    expect(first.status).toBe(0);

    // A later run (or the bot) uses the stored pair, not the spent one in the environment.
    zaloFake.clear();
    const again = await run([...UNIT, '--try-refresh'], env);
    expect(again.status).toBe(0);
    expect(zaloFake.on('GET /v2.0/oa/getoa')[0].headers.access_token).toBe('NEW_ACCESS_1');
    expect((zaloFake.on('POST /v4/oa/access_token')[0].body as { refresh_token: string }).refresh_token).toBe(
      'NEW_REFRESH_1',
    );
  });

  it('should say when the refresh token is spent or expired: re-authorise', async () => {
    const result = await run([...UNIT, '--try-refresh'], {
      ...base(),
      ...zaloEnv({ ZALO_REFRESH_TOKEN: 'SPENT_REFRESH' }),
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `✗ .*Zalo OA ${OA}: the refresh token was refused \\(Zalo token refresh failed \\(HTTP 200: -14020 Invalid refresh token.*\\)\\): it was already used .* an OA admin must re-authorise`,
      ),
    );
    // The access token that still works is said to work: the two problems are told apart.
    expect(result.stdout).toMatch(/✓ .*the stored access token works/);
  });

  it('should, after a re-authorisation, store the new pair over the dead one only when it works (--replace-tokens)', async () => {
    const env = base();
    await run(UNIT, { ...env, ...zaloEnv() }); // the first pair is now the stored one
    // The grant is lost; an OA admin re-authorises and gets a new pair.
    zaloState.access = new Set(['ACCESS_2']);
    zaloState.refresh = new Set(['REFRESH_2']);
    const fresh = zaloEnv({ ZALO_ACCESS_TOKEN: 'ACCESS_2', ZALO_REFRESH_TOKEN: 'REFRESH_2' });

    // Without the option the stored (dead) pair wins over the variables.
    const before = await run(UNIT, { ...env, ...fresh });
    expect(before.status).toBe(1);
    expect(before.stdout).toMatch(/✗ .*the stored access token: the access token is invalid or expired/);

    // A pair that does not work is refused, and the stored one is left as it was.
    const dead = await run([...UNIT, '--replace-tokens'], {
      ...env,
      ...zaloEnv({ ZALO_ACCESS_TOKEN: 'TYPO' }),
    });
    expect(dead.status).toBe(1);
    expect(dead.stdout).toMatch(
      /✗ .*nothing replaced: the access token in ZALO_ACCESS_TOKEN: the access token is invalid/,
    );

    zaloFake.clear();
    const replaced = await run([...UNIT, '--replace-tokens'], { ...env, ...fresh });
    expect(replaced.stdout).toMatch(
      /✓ .*the pair in ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN replaced the stored one/,
    );
    expect(replaced.stdout).toMatch(/✓ .*the stored access token works and belongs to this OA/);
    expect(replaced.status).toBe(0);

    // The stored pair is the new one: its refresh token is the one spent next.
    zaloFake.clear();
    const refreshed = await run([...UNIT, '--try-refresh'], { ...env, ...zaloEnv() });
    expect(refreshed.status).toBe(0);
    expect((zaloFake.on('POST /v4/oa/access_token')[0].body as { refresh_token: string }).refresh_token).toBe(
      'REFRESH_2',
    );
  });

  it('should say when a new USER_KEY_SECRET makes the stored pair unreadable, and let a new pair replace it', async () => {
    const env = base();
    await run(UNIT, { ...env, ...zaloEnv() });
    const rotated = { ...env, USER_KEY_SECRET: 'z'.repeat(40) };
    const unreadable = await run(UNIT, { ...rotated, ...zaloEnv() });
    expect(unreadable.status).toBe(1);
    expect(unreadable.stdout).toMatch(/✗ .*the stored token pair cannot be read .*USER_KEY_SECRET changed\?/);
    const replaced = await run([...UNIT, '--replace-tokens'], { ...rotated, ...zaloEnv() });
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toMatch(/✓ .*the stored access token works/);
  });

  it('should say so for a unit without any channel, and refuse an unknown unit', async () => {
    const none = await run(['--unit', 'bvdkkv-ninh-hoa'], { ...base(), ...messenger() });
    expect(none.status).toBe(1);
    expect(none.stdout).toMatch(
      /^✗ bvdkkv-ninh-hoa · channels: no Messenger page and no Zalo OA configured/m,
    );
    expect(graphFake.requests).toHaveLength(0);

    const unknown = await run(['--unit', 'nope'], base());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^channels:check: unknown unit "nope"/);
  });

  it('should name the missing variable of a half-configured page in one line', async () => {
    const result = await run([], { ...base(), ...messenger({ MESSENGER_PAGE_ACCESS_TOKEN: '' }) });
    expect(result.status).toBe(1);
    expect(result.stdout.trim()).toBe(
      '✗ configuration · channels: MESSENGER_PAGE_ACCESS_TOKEN must be set (a Messenger page is configured with MESSENGER_* variables)',
    );
  });
});
