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
