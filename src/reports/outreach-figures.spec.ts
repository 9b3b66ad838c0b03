import { createHash } from 'node:crypto';
import type { LogRecord } from '../interactions/log-record';
import { OutreachAccumulator, outreachFigures, type OutreachInput } from './outreach-figures';

const key = (user: string) => createHash('sha256').update(user).digest('hex');

function campaignRecord(campaignId: number, channel: string, user: string, planItem: string): LogRecord {
  return {
    id: 1,
    unitId: 'u',
    seq: 1,
    occurredAt: 0,
    channel,
    conversationId: user,
    userKey: key(user),
    language: 'vi',
    intent: 'campaign',
    topic: null,
    confidence: null,
    userText: null,
    replyText: '',
    replyKeys: [`campaign:${campaignId}`],
    contentVersion: 'v',
    planItems: `,${planItem},`,
    outcome: 'campaign',
    satisfaction: null,
    latencyMs: 0,
    inboxEventId: null,
    kind: 'campaign',
    prevHash: '',
    hash: '',
  };
}

const input: OutreachInput = {
  campaigns: [
    {
      id: 7,
      unitId: 'u',
      title: 'A',
      planItem: 'health_insurance',
      status: 'done',
      approvedBy: 'boss',
      startedAt: null,
      recipients: [
        { channel: 'zalo', state: 'sent', count: 2 },
        { channel: 'zalo', state: 'outside_window', count: 1 },
        { channel: 'messenger', state: 'not_subscribed', count: 4 },
        { channel: 'messenger', state: 'unreachable', count: 1 },
        { channel: 'messenger', state: 'failed', count: 2 },
      ],
    },
  ],
  noticesSent: 5,
  subscriptions: [
    { unitId: 'u', channel: 'zalo', optIns: 2, optOuts: 1, active: 9 },
    { unitId: 'u', channel: 'web', optIns: 1, optOuts: 0, active: 1 },
  ],
};

describe(outreachFigures.name, () => {
  it('should take reach from the chained records and flag a count the recipients table does not match', () => {
    const log = new OutreachAccumulator();
    log.add(campaignRecord(7, 'zalo', 'a', 'health_insurance'));
    log.add(campaignRecord(7, 'zalo', 'b', 'health_insurance'));
    log.add(campaignRecord(7, 'zalo', 'b', 'health_insurance'));
    const f = outreachFigures(input, log.result());
    expect([f.reached, f.sentRecorded, f.consistent, f.citizensReached]).toEqual([3, 2, false, 2]);
    expect(f.campaigns[0]).toMatchObject({
      reached: 3,
      sentRecorded: 2,
      outsideWindow: 1,
      notSubscribed: 4,
      failed: 3,
    });
    expect(f.byChannel).toEqual([
      { channel: 'zalo', reached: 3, outsideWindow: 1, notSubscribed: 0 },
      { channel: 'messenger', reached: 0, outsideWindow: 0, notSubscribed: 4 },
    ]);
    expect(f.byPlanItem).toEqual([{ planItem: 'health_insurance', reached: 3 }]);
    expect([f.optIns, f.optOuts, f.activeSubscribers, f.noticesSent]).toEqual([3, 1, 10, 5]);
  });

  it('should count reach from the recipients marked sent when the log is not read (the dashboard)', () => {
    const f = outreachFigures(input, null);
    expect([f.reached, f.sentRecorded, f.consistent, f.citizensReached]).toEqual([2, 2, true, null]);
    expect(f.byChannel[0]).toEqual({ channel: 'zalo', reached: 2, outsideWindow: 1, notSubscribed: 0 });
    expect(f.byPlanItem).toEqual([{ planItem: 'health_insurance', reached: 2 }]);
  });

  it('should give zeros, not gaps, for a period without campaigns', () => {
    const f = outreachFigures(
      { campaigns: [], noticesSent: 0, subscriptions: [] },
      new OutreachAccumulator().result(),
    );
    expect([f.campaigns, f.reached, f.byChannel, f.byPlanItem, f.optIns, f.consistent]).toEqual([
      [],
      0,
      [],
      [],
      0,
      true,
    ]);
  });
});
