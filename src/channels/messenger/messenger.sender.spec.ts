import { FixedClock } from '../../common/clock';
import type { SendContext } from '../../messaging/channel-sender';
import type { ChannelAccounts } from '../channel-accounts';
import { MessengerSender } from './messenger.sender';
import type { MessengerClient } from './messenger.client';

// The Graph API is a fake at the edge; the window rules are what is under test.
function setup(humanAgentTag = false) {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  const client = {
    post: (path: string, _token: string, body: Record<string, unknown>) => {
      calls.push({ path, body });
      return Promise.resolve({ status: 200, data: { message_id: 'mid.1' } });
    },
  } as unknown as MessengerClient;
  const accounts = {
    messengerByUnit: () => ({
      unitId: 'u',
      pageId: 'p',
      appSecret: 's',
      verifyToken: 'v',
      pageAccessToken: 't',
      humanAgentTag,
    }),
  } as unknown as ChannelAccounts;
  const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
  return { sender: new MessengerSender(accounts, client, clock), calls, clock };
}
const ctx = (over: Partial<SendContext>): SendContext => ({
  outboxId: 7,
  unitId: 'u',
  recipientId: 'PSID',
  userMessageAt: new Date('2026-11-23T09:00:00Z'),
  origin: 'bot',
  position: 0,
  partsSent: 0,
  ...over,
});

describe(MessengerSender.name, () => {
  it('should send RESPONSE inside the 24-hour window, with no typing indicator before it', async () => {
    const { sender, calls } = setup();
    await expect(sender.send({ text: 'Xin chào' }, ctx({}))).resolves.toMatchObject({
      status: 'ok',
      platformMessageId: 'mid.1',
    });
    expect(calls.map((c) => c.body.sender_action ?? c.body.messaging_type)).toEqual(['RESPONSE']);
  });

  it('should not call Meta at all once the window has closed', async () => {
    const { sender, calls } = setup();
    const result = await sender.send({ text: 'x' }, ctx({ userMessageAt: new Date('2026-11-21T09:00:00Z') }));
    expect(result.status).toBe('window_closed');
    expect(calls).toEqual([]);
  });

  it('should let staff answer up to 7 days with HUMAN_AGENT when the unit has that permission, never the bot', async () => {
    const old = new Date('2026-11-20T09:00:00Z');
    const withTag = setup(true);
    await expect(
      withTag.sender.send({ text: 'x' }, ctx({ userMessageAt: old, origin: 'staff' })),
    ).resolves.toMatchObject({ status: 'ok' });
    expect(withTag.calls[0].body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    await expect(
      withTag.sender.send({ text: 'x' }, ctx({ userMessageAt: old, origin: 'bot' })),
    ).resolves.toMatchObject({ status: 'window_closed' });
    const tooOld = new Date('2026-11-10T09:00:00Z');
    await expect(
      withTag.sender.send({ text: 'x' }, ctx({ userMessageAt: tooOld, origin: 'staff' })),
    ).resolves.toMatchObject({ status: 'window_closed' });
  });

  it('should resume a split reply after the parts already delivered', async () => {
    const { sender, calls } = setup();
    const long = 'Một câu. '.repeat(400).trim();
    await sender.send({ text: long }, ctx({ partsSent: 1, position: 1 }));
    expect(calls).toHaveLength(1);
  });
});
