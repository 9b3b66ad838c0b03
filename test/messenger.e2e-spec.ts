import { Clock, FixedClock } from '../src/common/clock';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InboxEventEntity } from '../src/inbox/inbox-event.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { OutboxAttemptEntity } from '../src/outbox/outbox-attempt.entity';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { fixture, freshMessenger, settle, signMessenger } from './support/channel-helpers';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const SECRET = 'FAKE_SECRET';
const PAGE = 'PAGE_ID_0001';
const PSID = 'PSID_USER_0001';

describe.each(testDatabases())('Messenger channel (%s)', (database) => {
  let t: TestApp;
  let graph: PlatformFake;
  const clock = new FixedClock(new Date());
  let n = 0;

  beforeAll(async () => {
    graph = graphFake();
    const url = await graph.start();
    t = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      env: {
        MESSENGER_APP_SECRET: SECRET,
        MESSENGER_VERIFY_TOKEN: 'meatyhamhock',
        MESSENGER_PAGE_ID: PAGE,
        MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_ACCESS_TOKEN_PLACEHOLDER',
        MESSENGER_API_URL: `${url}/v25.0`,
        MESSENGER_APP_ID: '1111111111111111',
        CHANNEL_HTTP_TIMEOUT_MS: '400',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.stop();
  });
  beforeEach(async () => {
    await settle(t.db);
    graph.clear();
  });

  /** POSTs a payload signed as Meta does, with fresh timestamps and message ids. */
  const deliver = (payload: unknown, options: { signature?: string | null; fresh?: boolean } = {}) => {
    const body =
      options.fresh === false ? payload : freshMessenger(payload, clock.now(), `.${database}.${++n}`);
    const raw = JSON.stringify(body);
    const request = t.http().post('/webhooks/messenger').set('content-type', 'application/json');
    const signature = options.signature === undefined ? signMessenger(raw, SECRET) : options.signature;
    if (signature !== null) request.set('x-hub-signature-256', signature);
    return request.send(raw);
  };
  const sends = (psid = PSID) =>
    graph
      .on('POST /v25.0/me/messages')
      .filter((r) => (r.body as { recipient: { id: string }; message?: unknown }).recipient.id === psid);
  const messages = (psid = PSID) => sends(psid).filter((r) => (r.body as { message?: unknown }).message);

  /**
   * Sends a later text from `psid` and waits until all its replies reached the fake Graph API. One
   * conversation is served in order (turns and sends), so by then anything that would have been
   * answered before it has been. Returns the marker's outbox ids.
   */
  const marker = async (psid: string): Promise<number[]> => {
    const payload = fixture<{
      entry: { messaging: { sender: { id: string }; message: { text: string } }[] }[];
    }>('messenger/text-message.json');
    payload.entry[0].messaging[0].sender.id = psid;
    payload.entry[0].messaging[0].message.text = 'quên mật khẩu vneid';
    expect((await deliver(payload)).status).toBe(200);
    const event = await t.db.manager.findOneOrFail(InboxEventEntity, {
      where: { channel: 'messenger', userId: psid },
      order: { id: 'DESC' },
    });
    return eventually(async () => {
      const rows = await t.db.manager.findBy(OutboxMessageEntity, { inboxEventId: event.id });
      const sent = new Set(
        messages(psid).map((r) => (r.body as { message: { metadata?: string } }).message.metadata),
      );
      return rows.length && rows.every((r) => r.status === 'sent' && sent.has(`outbox:${r.id}`))
        ? rows.map((r) => r.id)
        : null;
    });
  };
  const outboxIdsSent = (psid = PSID) =>
    messages(psid).map((r) =>
      Number((r.body as { message: { metadata: string } }).message.metadata.replace('outbox:', '')),
    );

  describe('GET verification', () => {
    it('should echo the challenge as plain text for the right token and refuse a wrong one', async () => {
      const { query, expected_response } = fixture<{
        query: Record<string, string>;
        expected_response: { body: string };
      }>('messenger/verify-request.json');
      const ok = await t.http().get('/webhooks/messenger').query(query).expect(200);
      expect(ok.text).toBe(expected_response.body);
      expect(ok.headers['content-type']).toMatch(/text\/plain/);
      await t
        .http()
        .get('/webhooks/messenger')
        .query({ ...query, 'hub.verify_token': 'wrong' })
        .expect(403);
      await t
        .http()
        .get('/webhooks/messenger')
        .query({ ...query, 'hub.mode': 'unsubscribe' })
        .expect(403);
    });
  });

  describe('signed deliveries', () => {
    it('should answer a text message asynchronously with RESPONSE, the page token, our metadata and no sender action', async () => {
      const res = await deliver(fixture('messenger/text-message-vietnamese.json'));
      expect(res.status).toBe(200);
      expect(res.text).toBe('EVENT_RECEIVED');
      await eventually(async () => messages().length >= 1);
      expect(sends().filter((s) => 'sender_action' in (s.body as object))).toEqual([]);
      const first = messages()[0];
      expect(first.query.access_token).toBe('PAGE_ACCESS_TOKEN_PLACEHOLDER');
      expect(first.body).toMatchObject({
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { metadata: expect.stringMatching(/^outbox:\d+$/) },
      });
      expect(JSON.stringify(first.body)).toContain('Dạ');
    });

    it('should refuse a missing or wrong signature with 403 and store nothing', async () => {
      const before = await t.db.manager.count(InboxEventEntity);
      expect((await deliver(fixture('messenger/text-message.json'), { signature: null })).status).toBe(403);
      expect(
        (await deliver(fixture('messenger/text-message.json'), { signature: 'sha256=' + '0'.repeat(64) }))
          .status,
      ).toBe(403);
      expect(
        (await deliver(fixture('messenger/text-message.json'), { signature: signMessenger('{}', SECRET) }))
          .status,
      ).toBe(403);
      expect(await t.db.manager.count(InboxEventEntity)).toBe(before);
    });

    it('should read every entry of a batch: ours answered, another page only recorded', async () => {
      const before = await t.db.manager.countBy(InboxEventEntity, { status: 'ignored' });
      expect((await deliver(fixture('messenger/batch-two-entries.json'))).status).toBe(200);
      await eventually(async () => messages().some((r) => JSON.stringify(r.body).length > 0));
      const unrouted = await t.db.manager.find(InboxEventEntity, {
        where: { status: 'ignored' },
        order: { id: 'DESC' },
      });
      expect(unrouted.length).toBe(before + 1);
      expect(unrouted[0].meta).toMatchObject({ unrouted: 'unknown Messenger page PAGE_ID_0002' });
    });

    it('should route a quick reply and a postback by payload, and welcome on Get Started', async () => {
      await deliver(fixture('messenger/postback-get-started.json'));
      const welcome = await eventually(async () =>
        messages().find((r) => JSON.stringify(r.body).includes('CONSENT_YES')),
      );
      expect(JSON.stringify(welcome.body)).toContain('quick_replies');
      const quick = fixture<{ entry: { messaging: { message: { quick_reply: { payload: string } } }[] }[] }>(
        'messenger/quick-reply.json',
      );
      quick.entry[0].messaging[0].message.quick_reply.payload = 'vneid:forgot_password';
      graph.clear();
      await deliver(quick);
      // Answered in the conversation's language, whatever the button's title says.
      await eventually(async () =>
        messages().some((r) => /Quên mật khẩu|Forgot password/.test(JSON.stringify(r.body))),
      );
      graph.clear();
      await deliver(fixture('messenger/postback-persistent-menu.json'));
      await eventually(async () => messages().length > 0);
    });

    it('should kindly say that only text is understood for images, stickers and likes', async () => {
      for (const file of ['messenger/image-attachment.json', 'messenger/sticker-like.json']) {
        graph.clear();
        await deliver(fixture(file));
        const reply = await eventually(async () => messages()[0]);
        expect(JSON.stringify(reply.body)).toMatch(/tin nhắn chữ|text messages/);
      }
    });

    it('should ignore deliveries, reads and echoes of our own sends, never answering them', async () => {
      const before = await t.db.manager.count(InboxEventEntity);
      for (const file of ['messenger/delivery.json', 'messenger/read.json', 'messenger/echo.json']) {
        expect((await deliver(fixture(file))).status).toBe(200);
      }
      expect(await t.db.manager.count(InboxEventEntity)).toBe(before);
      // Only the marker is answered: nothing was sent for the deliveries, reads and echoes before it.
      const answered = await marker(PSID);
      expect(outboxIdsSent()).toEqual(answered);
    });

    it('should step back when a person answers from the Page inbox (an echo from another app)', async () => {
      const psid = `PSID_HUMAN_${database}`;
      const echo = fixture<{ entry: { messaging: { recipient: { id: string } }[] }[] }>(
        'messenger/echo-page-inbox-human.json',
      );
      echo.entry[0].messaging[0].recipient.id = psid;
      expect((await deliver(echo)).status).toBe(200);
      await eventually(
        async () => (await t.db.manager.findOneBy(ConversationEntity, { userId: psid }))?.handoffUntil,
      );
      const text = fixture<{ entry: { messaging: { sender: { id: string } }[] }[] }>(
        'messenger/text-message.json',
      );
      text.entry[0].messaging[0].sender.id = psid;
      await deliver(text);
      await eventually(
        async () => (await t.db.manager.countBy(InteractionRecordEntity, { outcome: 'handoff' })) > 0,
      );
      expect(messages(psid)).toEqual([]);
    });

    it('should record an event for an unknown page without answering it as another unit', async () => {
      const other = fixture<{
        entry: { id: string; messaging: { recipient: { id: string }; message: { mid: string } }[] }[];
      }>('messenger/text-message.json');
      other.entry[0].id = 'PAGE_UNKNOWN';
      other.entry[0].messaging[0].recipient.id = 'PAGE_UNKNOWN';
      expect((await deliver(other)).status).toBe(200);
      const row = await eventually(() =>
        t.db.manager.findOne(InboxEventEntity, {
          where: { unitId: undefined, status: 'ignored' },
          order: { id: 'DESC' },
        }),
      );
      expect(row.unitId).toBeNull();
      expect(row.meta).toMatchObject({ unrouted: 'unknown Messenger page PAGE_UNKNOWN' });
    });

    it('should answer a re-delivered event exactly once', async () => {
      const payload = freshMessenger(fixture('messenger/text-message.json'), clock.now(), `.dup.${database}`);
      const psid = `PSID_DUP_${database}`;
      (payload as { entry: { messaging: { sender: { id: string } }[] }[] }).entry[0].messaging[0].sender.id =
        psid;
      for (let i = 0; i < 3; i++) expect((await deliver(payload, { fresh: false })).status).toBe(200);
      const answered = await marker(psid);
      const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: psid });
      // One turn for the three deliveries, one for the marker.
      expect(await t.db.manager.countBy(InteractionRecordEntity, { conversationId: conversation.id })).toBe(
        2,
      );
      const outbox = await t.db.manager.find(OutboxMessageEntity, {
        where: { conversationId: conversation.id },
        order: { id: 'ASC' },
      });
      expect(outbox.length).toBeGreaterThan(answered.length);
      expect(outboxIdsSent(psid)).toEqual(outbox.map((r) => r.id));
    });

    it('should answer malformed JSON, unknown objects and unknown event types clearly and store nothing', async () => {
      const before = await t.db.manager.count(InboxEventEntity);
      const raw = '{"object":"page","entry":[';
      const bad = await t
        .http()
        .post('/webhooks/messenger')
        .set('content-type', 'application/json')
        .set('x-hub-signature-256', signMessenger(raw, SECRET))
        .send(raw);
      expect(bad.status).toBe(400);
      expect((await deliver({ object: 'instagram', entry: [] })).status).toBe(200);
      const unknown = {
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: 1,
            messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: 1, game_play: {} }],
          },
        ],
      };
      expect((await deliver(unknown)).status).toBe(200);
      const huge = JSON.stringify({ object: 'page', entry: [], pad: 'x'.repeat(1_100_000) });
      expect(
        (
          await t
            .http()
            .post('/webhooks/messenger')
            .set('content-type', 'application/json')
            .set('x-hub-signature-256', signMessenger(huge, SECRET))
            .send(huge)
        ).status,
      ).toBe(413);
      expect(await t.db.manager.count(InboxEventEntity)).toBe(before);
    });
  });

  describe('delivery with retries', () => {
    const attemptsOf = async (psid: string) => {
      const conversation = await t.db.manager.findOneBy(ConversationEntity, { userId: psid });
      const [first] = conversation
        ? await t.db.manager.find(OutboxMessageEntity, {
            where: { conversationId: conversation.id },
            order: { id: 'ASC' },
          })
        : [];
      if (!first)
        return {
          message: { status: 'none' } as unknown as OutboxMessageEntity,
          attempts: [] as OutboxAttemptEntity[],
        };
      // The message first: its status and its attempt's result commit together, so every attempt
      // behind the status read is already finished.
      const message = await t.db.manager.findOneByOrFail(OutboxMessageEntity, { id: first.id });
      const attempts = await t.db.manager.find(OutboxAttemptEntity, {
        where: { outboxId: first.id },
        order: { id: 'ASC' },
      });
      return { message, attempts };
    };
    const text = (psid: string) => {
      const payload = fixture<{
        entry: { messaging: { sender: { id: string }; message: { text: string } }[] }[];
      }>('messenger/text-message.json');
      payload.entry[0].messaging[0].sender.id = psid;
      payload.entry[0].messaging[0].message.text = 'quên mật khẩu vneid';
      return payload;
    };
    const to = (psid: string) => (r: { path: string; body: unknown }) =>
      r.path.endsWith('/me/messages') &&
      (r.body as { recipient?: { id?: string }; message?: unknown }).recipient?.id === psid &&
      !!(r.body as { message?: unknown }).message;

    it('should retry a 5xx and a timeout with backoff, then deliver', async () => {
      const psid = `PSID_RETRY_${database}`;
      graph.scriptFor(
        to(psid),
        { status: 500, body: { error: { message: 'down', code: 1 } } },
        { hang: true },
      );
      await deliver(text(psid));
      await eventually(async () => (await attemptsOf(psid)).attempts.filter((a) => a.result).length >= 1);
      clock.advance(5 * 60_000);
      await eventually(
        async () => (await attemptsOf(psid)).attempts.filter((a) => a.result).length >= 2,
        15_000,
      );
      clock.advance(5 * 60_000);
      const { message, attempts } = await eventually(async () => {
        const state = await attemptsOf(psid);
        return state.message.status === 'sent' ? state : null;
      }, 15_000);
      expect(attempts.map((a) => a.result)).toEqual(['transient', 'transient', 'ok']);
      expect(attempts[0].httpStatus).toBe(500);
      expect(attempts[1].error).toMatch(/unreachable|timeout/i);
      expect(message.platformMessageId).toMatch(/^m_/);
    });

    it.each([
      ['an invalid token (190)', 'messenger/error-invalid-token-190.json', 400, 'failed'],
      [
        'the 24-hour window (10 / 2018278)',
        'messenger/error-outside-window-2018278.json',
        400,
        'window_closed',
      ],
      ['an unavailable person (551)', 'messenger/error-user-unavailable-551.json', 400, 'unreachable'],
    ])('should not retry %s', async (_name, file, status, outcome) => {
      const psid = `PSID_PERM_${outcome}_${database}`;
      graph.scriptFor(to(psid), { status, body: fixture(file) });
      await deliver(text(psid));
      const { message, attempts } = await eventually(async () => {
        const state = await attemptsOf(psid);
        return !['pending', 'sending', 'none'].includes(state.message.status) ? state : null;
      });
      expect(message.status).toBe(outcome);
      expect(attempts).toHaveLength(1);
    });

    it('should give up after a bounded number of attempts', async () => {
      const psid = `PSID_BOUND_${database}`;
      const failing = { status: 503, body: { error: { message: 'unavailable', code: 2 } } };
      graph.scriptFor(to(psid), ...Array.from({ length: 10 }, () => failing));
      await deliver(text(psid));
      // Each attempt is awaited (its result and the message's next state commit together) before
      // the clock moves past its backoff; more rounds than the bound, so a missing bound shows.
      let state = await attemptsOf(psid);
      for (let done = 1; done <= 8 && state.message.status !== 'failed'; done++) {
        state = await eventually(async () => {
          const current = await attemptsOf(psid);
          // On SQLite the test shares the app's one connection, so a read can land between the two
          // statements of the attempt's commit: wait until the message has left 'sending' as well.
          return current.attempts.filter((a) => a.result).length >= done &&
            current.message.status !== 'sending'
            ? current
            : null;
        });
        clock.advance(10 * 60_000);
      }
      const { message, attempts } = state;
      expect(message.status).toBe('failed');
      expect(attempts.length).toBe(6);
      const metadata = `outbox:${message.id}`;
      expect(
        graph.requests.filter(
          (r) => to(psid)(r) && (r.body as { message: { metadata?: string } }).message.metadata === metadata,
        ),
      ).toHaveLength(6);
      expect(message.lastError).toMatch(/503/);
    });

    it('should wait a minute before retrying after a rate limit (613)', async () => {
      const psid = `PSID_RATE_${database}`;
      graph.scriptFor(to(psid), {
        status: 400,
        body: { error: { message: 'Calls to this api have exceeded the rate limit.', code: 613 } },
      });
      await deliver(text(psid));
      const { message } = await eventually(async () => {
        const state = await attemptsOf(psid);
        return state.attempts[0]?.result ? state : null;
      });
      expect(message.status).toBe('pending');
      expect(message.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(59_000);
    });
  });
});

describe('Messenger verification with a mixed-case token', () => {
  let t: TestApp;
  const handshake = fixture<{ query: Record<string, string>; expected_response: { body: string } }>(
    'messenger/verify-request-mixed-case.json',
  );

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        MESSENGER_APP_SECRET: SECRET,
        MESSENGER_VERIFY_TOKEN: handshake.query['hub.verify_token'],
        MESSENGER_PAGE_ID: PAGE,
        MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_ACCESS_TOKEN_PLACEHOLDER',
        MESSENGER_APP_ID: '1111111111111111',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should accept the token exactly as configured and refuse it in another case', async () => {
    const ok = await t.http().get('/webhooks/messenger').query(handshake.query).expect(200);
    expect(ok.text).toBe(handshake.expected_response.body);
    const token = handshake.query['hub.verify_token'];
    for (const other of [token.toLowerCase(), token.toUpperCase(), `${token} `, token.slice(0, -1)])
      await t
        .http()
        .get('/webhooks/messenger')
        .query({ ...handshake.query, 'hub.verify_token': other })
        .expect(403);
  });
});
