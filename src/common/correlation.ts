import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** One correlation id per delivery (webhook, chat request, background job), carried through async calls. */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function newCorrelationId(): string {
  return randomUUID();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

/** For callback-style hooks (Fastify's onRequest): the rest of the request runs inside the id. */
export function runWithCorrelationId(correlationId: string, next: () => void): void {
  storage.run({ correlationId }, next);
}
