import { In, type EntityManager } from 'typeorm';
import { InboxEventEntity } from '../../src/inbox/inbox-event.entity';
import { OutboxMessageEntity } from '../../src/outbox/outbox-message.entity';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'channels');

export function fixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as T;
}

/** Replays a Messenger payload as if it happened now (the 24-hour window counts from the event's timestamp). */
export function freshMessenger<T>(payload: T, at: Date, suffix = ''): T {
  const copy = JSON.parse(JSON.stringify(payload)) as {
    entry?: { time?: number; messaging?: Record<string, unknown>[] }[];
  };
  for (const entry of copy.entry ?? []) {
    entry.time = at.getTime();
    for (const item of entry.messaging ?? []) {
      item.timestamp = at.getTime();
      for (const key of ['message', 'postback'] as const) {
        const part = item[key] as { mid?: string } | undefined;
        if (part?.mid) part.mid = part.mid + suffix;
      }
    }
  }
  return copy as T;
}

export function signMessenger(raw: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(raw, 'utf8').digest('hex');
}

export function signZalo(raw: string, appId: string, timestamp: string, key: string): string {
  return (
    'mac=' +
    createHash('sha256')
      .update(appId + raw + timestamp + key, 'utf8')
      .digest('hex')
  );
}

/**
 * Waits (up to `limitMs`) until no turn is in flight and no reply is waiting to be sent, so a
 * late reply of one test does not land in the next test's recordings. Replies held back on purpose
 * (a retry after backoff) simply run into the limit.
 */
export async function settle(db: { manager: EntityManager }, limitMs = 5000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const busyInbox = await db.manager.count(InboxEventEntity, {
      where: { status: In(['pending', 'processing']) },
    });
    const busyOutbox = await db.manager.count(OutboxMessageEntity, {
      where: { status: In(['pending', 'sending']) },
    });
    if (!busyInbox && !busyOutbox) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
