import type { FindOptionsWhere } from 'typeorm';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { ConversationEngine } from '../src/conversation/conversation.engine';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InboxEventEntity } from '../src/inbox/inbox-event.entity';
import { chainHash, GENESIS_HASH } from '../src/interactions/hash-chain';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

interface ChatReply {
  text: string;
  quickReplies?: { title: string; payload: string }[];
  buttons?: { title: string; url?: string; payload?: string; phone?: string }[];
}
interface ChatResponse {
  replies: ChatReply[];
  intent: string;
  topic?: string;
  language: 'vi' | 'en';
}

describe.each(testDatabases())('web chat API (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(async () => {
    await t?.close();
  });

  const chat = async (body: Record<string, unknown>): Promise<ChatResponse> => {
    const res = await t.http().post('/api/chat').send(body).expect(200);
    return res.body as ChatResponse;
  };
  const records = (where: FindOptionsWhere<InteractionRecordEntity> = {}) =>
    t.db.manager.find(InteractionRecordEntity, { where, order: { unitId: 'ASC', seq: 'ASC' } });

  describe('POST /api/chat', () => {
    it('should greet in Vietnamese and in English, with the replies of the turn', async () => {
      const vi = await chat({ sessionId: 'greet-vi', text: 'xin chào' });
      expect(vi.intent).toBe('greeting');
      expect(vi.language).toBe('vi');
      expect(vi.replies[0].text).toContain('Dạ');
      const en = await chat({ sessionId: 'greet-en', text: 'hello' });
      expect(en.language).toBe('en');
      expect(en.replies[0].text).toMatch(/Hello/);
    });

    it('should answer a forgotten VNeID password with the steps and the OTP warning', async () => {
      const res = await chat({ sessionId: 'vneid-1', text: 'quên mật khẩu VNeID' });
      expect(res.intent).toBe('vneid');
      expect(res.replies[0].text).toContain('Quên mật khẩu');
      expect(res.replies[0].text).toMatch(/OTP/);
    });

    it('should answer where the unit is, saying honestly when the address is not filled in', async () => {
      const res = await chat({ sessionId: 'where-1', text: 'bệnh viện ở đâu' });
      expect(res.intent).toBe('unit_info');
      expect(res.replies[0].text).toMatch(/địa chỉ/i);
    });

    it('should put 115 first for an emergency, with no quick replies and no notice before it', async () => {
      const res = await chat({ sessionId: 'emerg-1', text: 'I need an ambulance' });
      expect(res.intent).toBe('emergency');
      expect(res.language).toBe('en');
      expect(res.replies[0].text).toMatch(/^🚑 If someone's life is in danger, CALL 115 NOW/);
      expect(res.replies.every((r) => !r.quickReplies)).toBe(true);
    });

    it('should route a payload without the classifier (MENU shows the main menu)', async () => {
      const res = await chat({ sessionId: 'menu-1', payload: 'MENU' });
      expect(res.intent).toBe('greeting');
      const payloads = res.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.payload);
      expect(payloads).toEqual(
        expect.arrayContaining([
          'vneid:menu',
          'public_services:menu',
          'health_insurance:menu',
          'complaint:menu',
        ]),
      );
    });

    it('should answer a retried message (same messageId) once', async () => {
      const first = await chat({ sessionId: 'dup-1', text: 'xin chào', messageId: 'm-1' });
      const again = await chat({ sessionId: 'dup-1', text: 'xin chào', messageId: 'm-1' });
      expect(again.replies).toEqual(first.replies);
      const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'dup-1' });
      expect(await records({ conversationId: conversation.id })).toHaveLength(1);
    });

    it('should answer the chosen unit and 404 an unknown one', async () => {
      const res = await chat({ sessionId: 'unit-1', text: 'xin chào', unit: 'bvdkkv-ninh-hoa' });
      expect(res.replies[0].text).toContain('Bệnh viện Đa khoa khu vực Ninh Hòa');
      const missing = await t
        .http()
        .post('/api/chat')
        .send({ sessionId: 'unit-2', text: 'hi', unit: 'no-such-unit' })
        .expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, field: 'unit' });
    });

    it.each([
      ['an empty body', {}, 'sessionId'],
      ['an empty sessionId', { sessionId: '', text: 'hi' }, 'sessionId'],
      ['a 65-character sessionId', { sessionId: 'x'.repeat(65), text: 'hi' }, 'sessionId'],
      ['a number as text', { sessionId: 'x', text: 5 }, 'text'],
      ['neither text nor payload', { sessionId: 'x' }, 'text'],
      ['whitespace only', { sessionId: 'x', text: '   ' }, 'text'],
      ['2001 characters', { sessionId: 'x', text: 'a'.repeat(2001) }, 'text'],
    ])('should reject %s with 400 naming the field', async (_name, body, field) => {
      const res = await t.http().post('/api/chat').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, field });
      expect(typeof res.body.message).toBe('string');
    });

    it('should reject malformed JSON and oversized bodies clearly', async () => {
      const bad = await t
        .http()
        .post('/api/chat')
        .set('content-type', 'application/json')
        .send('not json')
        .expect(400);
      expect(bad.body.message).toMatch(/not valid JSON/i);
      const huge = JSON.stringify({ sessionId: 'x', text: 'a'.repeat(1_100_000) });
      const big = await t
        .http()
        .post('/api/chat')
        .set('content-type', 'application/json')
        .send(huge)
        .expect(413);
      expect(big.body.statusCode).toBe(413);
    });

    it('should accept a 2000-character message and broken Unicode without losing it', async () => {
      const long = await chat({ sessionId: 'long-1', text: 'vneid '.repeat(333) + 'ab' });
      expect(long.replies.length).toBeGreaterThan(0);
      const broken = await chat({ sessionId: 'broken-1', text: 'xin ch\uD800ào' });
      expect(broken.replies.length).toBeGreaterThan(0);
    });
  });

  describe('interaction records', () => {
    it('should write exactly one record per turn, hash-chained per unit, without text until consent', async () => {
      await chat({ sessionId: 'rec-1', payload: 'GET_STARTED' });
      await chat({ sessionId: 'rec-1', text: 'số tôi 0905 123 456, quên mật khẩu vneid' });
      await chat({ sessionId: 'rec-1', payload: 'CONSENT_YES' });
      await chat({ sessionId: 'rec-1', text: 'email tôi an.nguyen@example.com quên mật khẩu vneid' });
      const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'rec-1' });
      const mine = await records({ conversationId: conversation.id });
      expect(mine.map((r) => r.intent)).toEqual(['privacy', 'vneid', 'privacy', 'vneid']);
      expect(mine[1].userText).toBeNull();
      expect(mine[3].userText).toContain('[email]');
      expect(mine[3].userText).not.toContain('an.nguyen@example.com');
      expect(mine[0].userKey).toMatch(/^[0-9a-f]{64}$/);
      expect(mine[0].userKey).not.toContain('rec-1');
      expect(mine.every((r) => r.contentVersion.length === 16)).toBe(true);
      expect(mine[1].planItems).toContain(',vneid,');

      const inbox = await t.db.manager.find(InboxEventEntity, {
        where: { userId: 'rec-1' },
        order: { id: 'ASC' },
      });
      expect(inbox.every((e) => e.status === 'done')).toBe(true);
      expect(inbox[1].text).toBeNull();
      expect(inbox[3].text).not.toContain('example.com');

      // The whole chain of the default unit recomputes from the genesis hash.
      const chain = await records({ unitId: conversation.unitId });
      let prev = GENESIS_HASH;
      chain.forEach((r, i) => {
        expect(r.seq).toBe(i + 1);
        expect(r.prevHash).toBe(prev);
        const { id: _id, hash, occurredAt, sourceKey: _source, ...rest } = r;
        expect(
          chainHash(prev, {
            ...rest,
            occurredAt: occurredAt.getTime(),
            audience: rest.audience ?? undefined,
            kind: rest.kind ?? undefined,
          }),
        ).toBe(hash);
        prev = hash;
      });
    });

    it('should take turns of one conversation one at a time, in the order sent, and several conversations at once', async () => {
      // Every turn the worker runs is logged where it starts and ends. The first turn of the
      // conversation is held until all six messages are in the inbox, so a worker that ran them
      // concurrently or out of order would show it; other conversations' turns are held until two
      // run at once.
      const engine = t.app.get(ConversationEngine);
      const handle = engine.handle.bind(engine);
      const log: string[] = [];
      let queued!: () => void;
      const allQueued = new Promise<void>((resolve) => (queued = resolve));
      let parallel!: () => void;
      const twoAtOnce = new Promise<void>((resolve) => (parallel = resolve));
      // Bounded, so that a worker taking one turn at a time fails the assertion instead of hanging.
      const heldUntil = (gate: Promise<void>) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5000);
          void gate.then(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      let inFlight = 0;
      let maxInFlight = 0;
      const spy = jest.spyOn(engine, 'handle').mockImplementation(async (event, inboxEventId, ack) => {
        if (event.userId === 'serial-1') {
          log.push(`start ${event.text}`);
          await allQueued;
          try {
            return await handle(event, inboxEventId, ack);
          } finally {
            log.push(`end ${event.text}`);
          }
        }
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight >= 2) parallel();
        try {
          await heldUntil(twoAtOnce);
          return await handle(event, inboxEventId, ack);
        } finally {
          inFlight--;
        }
      });
      try {
        const inbox = () =>
          t.db.manager.find(InboxEventEntity, { where: { userId: 'serial-1' }, order: { id: 'ASC' } });
        const sent: Promise<ChatResponse>[] = [];
        for (let i = 0; i < 6; i++) {
          sent.push(chat({ sessionId: 'serial-1', text: `xin chào ${i}` }));
          // The next message only once this one is in the inbox: the order sent is known.
          await eventually(async () => (await inbox()).length === i + 1);
        }
        queued();
        const one = await Promise.all(sent);
        expect(one).toHaveLength(6);
        expect(log).toEqual(
          Array.from({ length: 6 }, (_, i) => [`start xin chào ${i}`, `end xin chào ${i}`]).flat(),
        );
        const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'serial-1' });
        expect(conversation.turnCount).toBe(6);
        // The evidence log has the same order: record i answers message i.
        const mine = await records({ conversationId: conversation.id });
        expect(mine.map((r) => r.inboxEventId)).toEqual((await inbox()).map((e) => e.id));

        const many = await Promise.all(
          Array.from({ length: 12 }, (_, i) => chat({ sessionId: `par-${i}`, text: 'hello' })),
        );
        expect(many.every((r) => r.language === 'en')).toBe(true);
        expect(maxInFlight).toBeGreaterThanOrEqual(2);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('operations', () => {
    it('should report health and list the units, the default first', async () => {
      const health = await t.http().get('/health').expect(200);
      expect(health.body.status).toBe('ok');
      const units = await t.http().get('/api/units').expect(200);
      expect(units.body[0]).toEqual({
        id: 'so-y-te-khanh-hoa',
        name: 'Sở Y tế tỉnh Khánh Hòa',
        webChat: 'playground',
      });
    });

    it('should describe the JSON API in OpenAPI', async () => {
      const doc = await t.http().get('/api/docs/openapi.json').expect(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/api/chat', '/api/units', '/health']),
      );
    });

    it('should serve the chat page', async () => {
      const page = await t.http().get('/').expect(200);
      expect(page.text).toContain('/chat-assets/chat.js');
      await t
        .http()
        .get('/chat-assets/chat.js')
        .expect(200)
        .expect('content-type', /javascript/);
    });
  });
});
