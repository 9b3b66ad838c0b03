import { Clock, FixedClock } from '../src/common/clock';
import { ChannelAccounts } from '../src/channels/channel-accounts';
import { ZaloTokenService } from '../src/channels/zalo/zalo-token.service';
import { ZaloTokenEntity } from '../src/channels/zalo/zalo-token.entity';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InboxEventEntity } from '../src/inbox/inbox-event.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { OutboxAttemptEntity } from '../src/outbox/outbox-attempt.entity';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import { zaloFake, type PlatformFake, type RecordedRequest } from './fakes/platform-fake';
import { fixture, settle, signZalo } from './support/channel-helpers';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const APP = 'ZALO_APP_ID_0001';
const OA = 'ZALO_OA_ID_0001';
const KEY = 'FAKE_OA_SECRET_KEY';

describe.each(testDatabases())('Zalo OA channel (%s)', (database) => {
  let t: TestApp;
  let zalo: PlatformFake;
  const clock = new FixedClock(new Date());
  let n = 0;

  beforeAll(async () => {
    zalo = zaloFake();
    const url = await zalo.start();
    t = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      env: {
        ZALO_APP_ID: APP,
        ZALO_APP_SECRET: 'ZALO_APP_SECRET_PLACEHOLDER',
        ZALO_OA_ID: OA,
        ZALO_OA_SECRET_KEY: KEY,
        ZALO_ACCESS_TOKEN: 'ZALO_OA_ACCESS_TOKEN_PLACEHOLDER',
        ZALO_REFRESH_TOKEN: 'ZALO_REFRESH_TOKEN_PLACEHOLDER',
        ZALO_API_URL: url,
        ZALO_OAUTH_URL: url,
        CHANNEL_HTTP_TIMEOUT_MS: '400',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await zalo?.stop();
  });
  beforeEach(async () => {
    await settle(t.db);
    zalo.clear();
  });

  /** Signs as Zalo does; by default gives the event a fresh msg_id, user and timestamp. */
  const deliver = (
    event: Record<string, unknown>,
    options: { user?: string; mac?: string | null; fresh?: boolean } = {},
  ) => {
    type Event = {
      timestamp?: string;
      app_id: string;
      message?: { msg_id?: string };
      sender?: { id: string };
      follower?: { id: string };
    };
    const body = JSON.parse(JSON.stringify(event)) as Event;
    if (options.fresh !== false) {
      body.timestamp = String(clock.now().getTime());
      if (body.message?.msg_id) body.message.msg_id = `${body.message.msg_id}.${database}.${++n}`;
      if (options.user) {
        if (body.sender) body.sender.id = options.user;
        if (body.follower) body.follower.id = options.user;
      }
    }
    const raw = JSON.stringify(body);
    const request = t.http().post('/webhooks/zalo').set('content-type', 'application/json');
    const mac =
      options.mac === undefined ? signZalo(raw, body.app_id, String(body.timestamp), KEY) : options.mac;
    if (mac !== null) request.set('x-zevent-signature', mac);
    return request.send(raw);
  };
  const sendsTo = (user: string) =>
    zalo
      .on('POST /v3.0/oa/message/cs')
      .filter((r) => (r.body as { recipient: { user_id: string } }).recipient.user_id === user);
  const to = (user: string) => (r: RecordedRequest) =>
    r.path === '/v3.0/oa/message/cs' &&
    (r.body as { recipient?: { user_id?: string } }).recipient?.user_id === user;

  it('should accept the fixture event signed exactly as in the computed vector (and not answer it: it is from 2023)', async () => {
    const vector = fixture<{ raw_body: string; expected_header_value: string }>(
      'zalo/zalo-signature-computed.json',
    );
    const res = await t
      .http()
      .post('/webhooks/zalo')
      .set('content-type', 'application/json')
      .set('x-zevent-signature', vector.expected_header_value)
      .send(vector.raw_body);
    expect(res.status).toBe(200);
    const conversation = await eventually(() =>
      t.db.manager.findOneBy(ConversationEntity, { userId: 'ZALO_USER_ID_0001' }),
    );
    const outbox = await eventually(async () => {
      const rows = await t.db.manager.findBy(OutboxMessageEntity, { conversationId: conversation.id });
      return rows.length && rows.every((r) => r.status === 'window_closed') ? rows : null;
    });
    expect(outbox.length).toBeGreaterThan(0);
    expect(sendsTo('ZALO_USER_ID_0001')).toEqual([]);
  });

  it('should send with the OA token to the user of a fresh event', async () => {
    await deliver(fixture('zalo/zalo-user-send-text.json'), { user: 'Z_FRESH' });
    const [send] = await eventually(async () => (sendsTo('Z_FRESH').length ? sendsTo('Z_FRESH') : null));
    expect(send.headers.access_token).toBe('ZALO_OA_ACCESS_TOKEN_PLACEHOLDER');
    expect(send.body).toMatchObject({
      recipient: { user_id: 'Z_FRESH' },
      message: { text: expect.any(String) },
    });
    // The consultation-message request of the fixture: same path, token header and envelope.
    const sample = fixture<{ url: string; headers: Record<string, string>; body: object }>(
      'zalo/zalo-send-cs-text-request.json',
    );
    expect(send.path).toBe(new URL(sample.url).pathname);
    expect(send.headers['content-type']).toContain(sample.headers['Content-Type']);
    expect(Object.keys(send.body as object).sort()).toEqual(Object.keys(sample.body).sort());
  });

  it('should refuse a wrong or missing signature with 403 and store nothing', async () => {
    const before = await t.db.manager.count(InboxEventEntity);
    expect(
      (await deliver(fixture('zalo/zalo-user-send-text.json'), { mac: 'mac=' + 'f'.repeat(64) })).status,
    ).toBe(403);
    expect((await deliver(fixture('zalo/zalo-user-send-text.json'), { mac: null })).status).toBe(403);
    expect(await t.db.manager.count(InboxEventEntity)).toBe(before);
  });

  it('should answer the docs sample (12-digit timestamp) and a text in Vietnamese, with buttons as hidden queries', async () => {
    expect((await deliver(fixture('zalo/zalo-user-send-text-docs.json'), { user: 'Z_DOCS' })).status).toBe(
      200,
    );
    await eventually(async () => sendsTo('Z_DOCS').length > 0);
    const text = {
      ...fixture('zalo/zalo-user-send-text.json'),
      message: { text: 'quên mật khẩu vneid', msg_id: 'q1' },
    };
    await deliver(text, { user: 'Z_TEXT' });
    const reply = await eventually(async () =>
      sendsTo('Z_TEXT').find((r) => JSON.stringify(r.body).includes('Quên mật khẩu')),
    );
    const buttons =
      (
        reply.body as {
          message: { attachment?: { payload: { buttons: { type: string; payload: unknown }[] } } };
        }
      ).message.attachment?.payload.buttons ?? [];
    type Sent = { message: { attachment?: { payload: { buttons: { type: string; payload: unknown }[] } } } };
    const all = sendsTo('Z_TEXT').flatMap((r) => (r.body as Sent).message.attachment?.payload.buttons ?? []);
    expect(
      [...buttons, ...all].some(
        (b: { type: string; payload: unknown }) =>
          b.type === 'oa.query.hide' && String(b.payload).startsWith('#'),
      ),
    ).toBe(true);
  });

  it('should route a tapped hidden-query button as a payload', async () => {
    const tap = {
      ...fixture('zalo/zalo-user-send-text.json'),
      message: { text: '#health_insurance:hotline', msg_id: 'tap1' },
    };
    expect((await deliver(tap, { user: 'Z_TAP' })).status).toBe(200);
    await eventually(async () => sendsTo('Z_TAP').some((r) => JSON.stringify(r.body).includes('1900 9068')));
  });

  it('should welcome a follower, say nothing on unfollow, and answer media kindly', async () => {
    await deliver(fixture('zalo/zalo-follow.json'), { user: 'Z_FOLLOW' });
    await eventually(async () =>
      sendsTo('Z_FOLLOW').some((r) => JSON.stringify(r.body).includes('#CONSENT_YES')),
    );
    zalo.clear();
    await deliver(fixture('zalo/zalo-unfollow.json'), { user: 'Z_FOLLOW' });
    await deliver(fixture('zalo/zalo-user-send-image.json'), { user: 'Z_IMAGE' });
    const reply = await eventually(async () => sendsTo('Z_IMAGE')[0]);
    expect(JSON.stringify(reply.body)).toContain('tin nhắn chữ');
    expect(sendsTo('Z_FOLLOW')).toEqual([]);
  });

  it('should acknowledge and keep nothing of receipts and of user_submit_info (it carries a phone number)', async () => {
    const before = await t.db.manager.count(InboxEventEntity);
    for (const file of [
      'zalo/zalo-user-received-message.json',
      'zalo/zalo-user-seen-message.json',
      'zalo/zalo-user-submit-info.json',
    ]) {
      const res = await deliver(fixture(file));
      expect(res.status).toBe(200);
    }
    expect(await t.db.manager.count(InboxEventEntity)).toBe(before);
  });

  it('should answer a re-delivered event once', async () => {
    const event = {
      ...fixture('zalo/zalo-user-send-text.json'),
      timestamp: String(clock.now().getTime()),
      sender: { id: 'Z_DUP' },
      message: { text: 'xin chào', msg_id: `dup.${database}` },
    };
    for (let i = 0; i < 3; i++) expect((await deliver(event, { fresh: false })).status).toBe(200);
    // A later message in the same conversation: turns and sends of one conversation go in order,
    // so once all its replies are out, a second answer to the re-delivered event would be too.
    const marker = { ...event, message: { text: 'quên mật khẩu vneid', msg_id: `dup-marker.${database}` } };
    expect((await deliver(marker, { fresh: false })).status).toBe(200);
    const markerEvent = await t.db.manager.findOneOrFail(InboxEventEntity, {
      where: { channel: 'zalo', userId: 'Z_DUP' },
      order: { id: 'DESC' },
    });
    await eventually(async () => {
      const rows = await t.db.manager.findBy(OutboxMessageEntity, { inboxEventId: markerEvent.id });
      return rows.length > 0 && rows.every((r) => r.status === 'sent');
    });
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'Z_DUP' });
    expect(await t.db.manager.countBy(InboxEventEntity, { channel: 'zalo', userId: 'Z_DUP' })).toBe(2);
    expect(await t.db.manager.countBy(InteractionRecordEntity, { conversationId: conversation.id })).toBe(2);
    expect(sendsTo('Z_DUP')).toHaveLength(
      await t.db.manager.countBy(OutboxMessageEntity, { conversationId: conversation.id }),
    );
  });

  it('should record an event for an unknown OA without answering it', async () => {
    const other = { ...fixture('zalo/zalo-user-send-text.json'), recipient: { id: 'OA_UNKNOWN' } };
    expect((await deliver(other, { user: 'Z_OTHER' })).status).toBe(200);
    const row = await t.db.manager.findOneByOrFail(InboxEventEntity, { userId: 'Z_OTHER' });
    expect(row).toMatchObject({ unitId: null, status: 'ignored' });
    expect(sendsTo('Z_OTHER')).toEqual([]);
  });

  it('should refresh the token once on -216 (one refresh for concurrent failures), store the new pair sealed and resend', async () => {
    const expired = fixture('zalo/zalo-error-token-expired.json');
    zalo.scriptFor(to('Z_TOK1'), { body: expired });
    zalo.scriptFor(to('Z_TOK2'), { body: expired });
    // A slow token endpoint: the second failure arrives while the first refresh is still running.
    zalo.script('POST /v4/oa/access_token', {
      delayMs: 250,
      body: fixture('zalo/zalo-refresh-token-response.json'),
    });
    await Promise.all([
      deliver(fixture('zalo/zalo-user-send-text.json'), { user: 'Z_TOK1' }),
      deliver(fixture('zalo/zalo-user-send-text.json'), { user: 'Z_TOK2' }),
    ]);
    await eventually(async () => sendsTo('Z_TOK1').length >= 2 && sendsTo('Z_TOK2').length >= 2);
    const refreshes = zalo.on('POST /v4/oa/access_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].headers.secret_key).toBe('ZALO_APP_SECRET_PLACEHOLDER');
    expect(refreshes[0].body).toEqual({
      refresh_token: 'ZALO_REFRESH_TOKEN_PLACEHOLDER',
      app_id: APP,
      grant_type: 'refresh_token',
    });
    // The refresh request of the fixture: same path, a form (not JSON) and the same fields.
    const sample = fixture<{ url: string; headers: Record<string, string>; form: Record<string, string> }>(
      'zalo/zalo-refresh-token-request.json',
    );
    expect(refreshes[0].path).toBe(new URL(sample.url).pathname);
    expect(refreshes[0].headers['content-type']).toContain(sample.headers['Content-Type']);
    expect(Object.keys(refreshes[0].body as object).sort()).toEqual(Object.keys(sample.form).sort());
    expect(sendsTo('Z_TOK1').map((r) => r.headers.access_token)).toEqual([
      'ZALO_OA_ACCESS_TOKEN_PLACEHOLDER',
      ...sendsTo('Z_TOK1')
        .slice(1)
        .map(() => 'ZALO_NEW_ACCESS_TOKEN_PLACEHOLDER'),
    ]);
    const row = await t.db.manager.findOneByOrFail(ZaloTokenEntity, { oaId: OA });
    expect(row.accessToken).toMatch(/^enc1:/);
    expect(row.refreshToken).not.toContain('ZALO_NEW_REFRESH');
    expect(row.version).toBeGreaterThanOrEqual(1);
  });

  it('should refresh ahead of expiry on the scheduler, using the rotated refresh token, and not twice', async () => {
    const tokens = t.app.get(ZaloTokenService);
    clock.advance(21 * 3600_000);
    zalo.clear();
    await Promise.all([tokens.refreshDue(), tokens.refreshDue()]);
    const calls = zalo.on('POST /v4/oa/access_token');
    expect(calls).toHaveLength(1);
    expect((calls[0].body as { refresh_token: string }).refresh_token).toBe(
      'ZALO_NEW_REFRESH_TOKEN_PLACEHOLDER',
    );
    await tokens.refreshDue();
    expect(zalo.on('POST /v4/oa/access_token')).toHaveLength(1);
  });

  it.each([
    ['a rate limit (-32): retried later', 'zalo/zalo-error-rate-limit.json', 'pending'],
    [
      'no interaction for 7 days (-230): window closed',
      'zalo/zalo-error-not-interacted-7d.json',
      'window_closed',
    ],
    ['not a follower (-213): unreachable', 'zalo/zalo-error-not-follower.json', 'unreachable'],
  ])('should handle %s', async (_name, file, status) => {
    const user = `Z_ERR_${status}`;
    zalo.scriptFor(to(user), { body: fixture(file) });
    await deliver(fixture('zalo/zalo-user-send-text.json'), { user });
    const row = await eventually(async () => {
      const conversation = await t.db.manager.findOneBy(ConversationEntity, { userId: user });
      if (!conversation) return null;
      const [first] = await t.db.manager.find(OutboxMessageEntity, {
        where: { conversationId: conversation.id },
        order: { id: 'ASC' },
      });
      const attempts = first
        ? await t.db.manager.countBy(OutboxAttemptEntity, {
            outboxId: first.id,
            result: status === 'pending' ? 'transient' : status,
          })
        : 0;
      return attempts ? first : null;
    });
    const fresh = await t.db.manager.findOneByOrFail(OutboxMessageEntity, { id: row.id });
    expect(fresh.status).toBe(status);
  });
});

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/**
 * Two instances on one PostgreSQL schema, each with its own in-process single flight: only the row
 * lock keeps them from both spending the single-use refresh token.
 */
onPostgres('Zalo token refresh on two instances (postgres)', () => {
  let a: TestApp;
  let b: TestApp;
  let zalo: PlatformFake;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    zalo = zaloFake();
    const url = await zalo.start();
    const options = {
      overrides: [[Clock, clock]] as [unknown, unknown][],
      env: {
        ZALO_APP_ID: APP,
        ZALO_APP_SECRET: 'ZALO_APP_SECRET_PLACEHOLDER',
        ZALO_OA_ID: OA,
        ZALO_OA_SECRET_KEY: KEY,
        ZALO_ACCESS_TOKEN: 'ZALO_OA_ACCESS_TOKEN_PLACEHOLDER',
        ZALO_REFRESH_TOKEN: 'ZALO_REFRESH_TOKEN_PLACEHOLDER',
        ZALO_API_URL: url,
        ZALO_OAUTH_URL: url,
        // Set here: startTestApp leaves the suite above's 400 ms in the environment.
        CHANNEL_HTTP_TIMEOUT_MS: '5000',
      },
    };
    a = await startTestApp({ database: 'postgres', ...options });
    b = await startTestApp({ ...options, sharing: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await zalo?.stop();
  });

  const deliver = (t: TestApp, user: string) => {
    const body = fixture<{
      timestamp: string;
      app_id: string;
      message: { msg_id: string };
      sender: { id: string };
    }>('zalo/zalo-user-send-text.json');
    body.timestamp = String(clock.now().getTime());
    body.message.msg_id = `${body.message.msg_id}.two.${user}`;
    body.sender.id = user;
    const raw = JSON.stringify(body);
    return t
      .http()
      .post('/webhooks/zalo')
      .set('content-type', 'application/json')
      .set('x-zevent-signature', signZalo(raw, body.app_id, body.timestamp, KEY))
      .send(raw);
  };
  const sendsTo = (user: string) =>
    zalo
      .on('POST /v3.0/oa/message/cs')
      .filter((r) => (r.body as { recipient: { user_id: string } }).recipient.user_id === user);

  // The outcome on the real path; which instance's outbox sends which reply is up to them, so the
  // next test is the one that pins the row lock (it fails without it).
  it('should make one refresh call when both instances get -216 at once, and both resend with the new token', async () => {
    const expired = fixture('zalo/zalo-error-token-expired.json');
    for (const user of ['Z_TWO_A', 'Z_TWO_B'])
      zalo.scriptFor((r) => (r.body as { recipient?: { user_id?: string } }).recipient?.user_id === user, {
        body: expired,
      });
    // Slow enough that the second instance's failure arrives while the first one's refresh runs.
    zalo.script('POST /v4/oa/access_token', {
      delayMs: 500,
      body: fixture('zalo/zalo-refresh-token-response.json'),
    });
    const statuses = await Promise.all([deliver(a, 'Z_TWO_A'), deliver(b, 'Z_TWO_B')]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
    await eventually(async () => sendsTo('Z_TWO_A').length >= 2 && sendsTo('Z_TWO_B').length >= 2);
    expect(zalo.on('POST /v4/oa/access_token')).toHaveLength(1);
    for (const user of ['Z_TWO_A', 'Z_TWO_B'])
      expect(sendsTo(user).map((r) => r.headers.access_token)).toEqual([
        'ZALO_OA_ACCESS_TOKEN_PLACEHOLDER',
        ...sendsTo(user)
          .slice(1)
          .map(() => 'ZALO_NEW_ACCESS_TOKEN_PLACEHOLDER'),
      ]);
  });

  it('should make one refresh call when both instances’ schedulers find the token due at once', async () => {
    clock.advance(21 * 3600_000);
    zalo.clear();
    // A fresh pair (the fixture's would equal the current one, which reads as "nobody refreshed").
    zalo.script('POST /v4/oa/access_token', {
      delayMs: 300,
      body: {
        access_token: 'ZALO_ACCESS_ROTATED',
        refresh_token: 'ZALO_REFRESH_ROTATED',
        expires_in: '90000',
      },
    });
    await Promise.all([a.app.get(ZaloTokenService).refreshDue(), b.app.get(ZaloTokenService).refreshDue()]);
    const calls = zalo.on('POST /v4/oa/access_token');
    expect(calls).toHaveLength(1);
    expect((calls[0].body as { refresh_token: string }).refresh_token).toBe(
      'ZALO_NEW_REFRESH_TOKEN_PLACEHOLDER',
    );
    expect(await a.app.get(ZaloTokenService).accessToken(b.app.get(ChannelAccounts).zalo[0])).toBe(
      'ZALO_ACCESS_ROTATED',
    );
  });
});
