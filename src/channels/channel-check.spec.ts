import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accessTokenLine,
  appSecretProof,
  checkMessengerPage,
  describeGraphError,
  describeZaloError,
  graphVersionLine,
  missingFields,
  oaIdFromRaw,
  oaSecretKeyLine,
  readZaloAnswer,
  type GraphError,
  type HttpAnswer,
} from './channel-check';

const fixture = <T>(path: string): T =>
  JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/channels', path), 'utf8')) as T;
const answer = (status: number, data: unknown): HttpAnswer => ({ status, data, raw: JSON.stringify(data) });

describe('#describeGraphError', () => {
  it('should turn the documented 190 into "invalid or expired" naming the variable to fill', () => {
    const { error } = fixture<{ error: GraphError }>('messenger/error-invalid-token-190.json');
    expect(describeGraphError(error, 'PAGE_TOKEN_HOA')).toBe(
      'the page token is invalid or expired (Meta: code 190/1234567 "Invalid OAuth access token.", fbtrace_id BLBz/WZt8dN): make a new long-lived page token (docs/channels.md, "Page token") and put it in PAGE_TOKEN_HOA',
    );
  });

  it.each([
    [{ code: 10, message: 'perm' }, /lacks a permission/],
    [{ code: 230, message: 'perm' }, /lacks a permission/],
    [{ code: 613, message: 'slow' }, /rate limit/],
    [{ code: 2, message: 'oops' }, /temporary error/],
    [{ code: 100, message: 'bad param' }, /^Meta refused the call \(Meta: code 100 "bad param"\)$/],
    [{ message: 'connect ECONNREFUSED', unreachable: true }, /^could not reach the Graph API/],
  ] as [GraphError, RegExp][])('should say %j in plain words', (error, expected) => {
    expect(describeGraphError(error)).toMatch(expected);
  });
});

describe('#missingFields', () => {
  it('should list the needed fields a subscription lacks, in the guide order', () => {
    expect(missingFields(['standby', 'messages', 'messaging_referrals'])).toEqual([
      'messaging_postbacks',
      'message_echoes',
      'message_deliveries',
      'message_reads',
      'messaging_handovers',
    ]);
  });
});

describe('#graphVersionLine', () => {
  it.each([
    ['https://graph.facebook.com/v25.0', 'ok'],
    ['https://graph.facebook.com/v26.0/', 'ok'],
    ['https://graph.facebook.com/v19.0', 'unknown'],
    ['https://graph.facebook.com', 'fail'],
  ])('should judge %s as %s', (url, status) => {
    expect(graphVersionLine('Messenger', url).status).toBe(status);
  });
});

describe('#appSecretProof', () => {
  it('should be the hex HMAC-SHA256 of the token keyed with the app secret', () => {
    // openssl: printf 'abc' | openssl dgst -sha256 -hmac 'key'
    expect(appSecretProof('key', 'abc')).toBe(
      '9c196e32dc0175f86f4b1cb89289d6619de6bee699e4c378e68309ed97a1a6ab',
    );
  });
});

describe('#checkMessengerPage without MESSENGER_APP_ID', () => {
  const page = {
    unitId: 'u',
    pageId: 'P',
    pageAccessToken: 't',
    appSecret: 's',
    tokenVar: 'T',
    secretVar: 'S',
  };
  const graph =
    (apps: unknown[]) =>
    (path: string): Promise<HttpAnswer> =>
      Promise.resolve(path === '/me' ? answer(200, { id: 'P', name: 'Page' }) : answer(200, { data: apps }));

  it('should check the only subscribed app and say it is assumed to be ours', async () => {
    const lines = await checkMessengerPage(
      graph([{ id: '7', name: 'A', subscribed_fields: ['messages'] }]),
      page,
    );
    expect(lines.at(-1)).toMatchObject({ status: 'fail' });
    expect(lines.at(-1)!.text).toMatch(
      /^the page's only app 7 \(MESSENGER_APP_ID not set\) is subscribed .* but not to messaging_postbacks/,
    );
  });

  it('should not guess among several apps, and fail when there is none', async () => {
    const several = await checkMessengerPage(graph([{ id: '7' }, { id: '8' }]), page);
    expect(several.at(-1)).toMatchObject({ status: 'unknown' });
    expect(several.at(-1)!.text).toMatch(/set MESSENGER_APP_ID/);
    const none = await checkMessengerPage(graph([]), page);
    expect(none.at(-1)).toMatchObject({ status: 'fail' });
    expect(none.at(-1)!.text).toMatch(/^the app is not subscribed to the page/);
  });

  it('should not call a secret wrong when the proof call failed for another reason', async () => {
    const get = (path: string, params: Record<string, string>) =>
      Promise.resolve(
        params.appsecret_proof
          ? answer(500, { error: { code: 2, message: 'Service temporarily unavailable' } })
          : graph([])(path),
      );
    const lines = await checkMessengerPage(get, page);
    expect(lines[1]).toMatchObject({ status: 'unknown' });
    expect(lines[1].text).toMatch(/^could not check the app secret: Meta had a temporary error/);
  });
});

describe('#describeZaloError', () => {
  it.each([
    [
      'zalo/zalo-error-token-expired.json',
      /^the access token is invalid or expired \(Zalo: -216 "Access token is invalid"\).*--try-refresh/,
    ],
    ['zalo/zalo-error-token-expired-220.json', /^the access token is invalid or expired \(Zalo: -220/],
    ['zalo/zalo-error-rate-limit.json', /call limit was reached/],
    ['zalo/zalo-error-not-follower.json', /^Zalo refused the call \(Zalo: -213/],
  ])('should say what %s means', (path, expected) => {
    const body = fixture<{ error: number; message: string }>(path);
    expect(describeZaloError(body.error, body.message)).toMatch(expected);
  });
});

describe('#oaIdFromRaw', () => {
  it('should keep every digit of an OA id, quoted or as a bare JSON number', () => {
    expect(oaIdFromRaw('{"data":{"oa_id":4318251392858470331},"error":0}')).toBe('4318251392858470331');
    expect(oaIdFromRaw('{"data":{"oa_id": "4318251392858470331"}}')).toBe('4318251392858470331');
    expect(oaIdFromRaw('{"error":0}')).toBeUndefined();
  });
});

describe('#accessTokenLine', () => {
  it('should tell a token of another OA from a working one', () => {
    const raw = '{"error":0,"message":"Success","data":{"oa_id":4318251392858470332,"name":"Khác"}}';
    const other = readZaloAnswer({ status: 200, data: JSON.parse(raw), raw });
    expect(
      accessTokenLine('Zalo OA 1', '4318251392858470331', 'the stored access token', other),
    ).toMatchObject({
      status: 'fail',
      text: expect.stringMatching(
        /belongs to OA 4318251392858470332 \("Khác"\), not the configured OA 4318251392858470331/,
      ),
    });
    const ok = readZaloAnswer(answer(200, { error: 0, data: { oa_id: '1', name: 'Sở' } }));
    expect(accessTokenLine('Zalo OA 1', '1', 'the stored access token', ok).status).toBe('ok');
  });

  it('should not blame the token when Zalo could not be reached', () => {
    const down = readZaloAnswer({ status: 0, data: undefined, raw: 'getaddrinfo ENOTFOUND openapi.zalo.me' });
    expect(accessTokenLine('Zalo OA 1', '1', 'the stored access token', down).status).toBe('unknown');
  });
});

describe('#oaSecretKeyLine', () => {
  it.each([
    ['FAKE_OA_SECRET_KEY', 'APP', 'ok'],
    ['mac=abc', 'APP', 'fail'],
    ['"abc"', 'APP', 'fail'],
    ['abc def', 'APP', 'fail'],
    ['SAME', 'SAME', 'unknown'],
  ])('should judge %s (app secret %s) as %s', (key, appSecret, status) => {
    expect(oaSecretKeyLine('Zalo OA 1', key, appSecret).status).toBe(status);
  });
});
