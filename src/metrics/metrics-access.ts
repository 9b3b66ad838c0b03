import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface MetricsSetting {
  enabled: boolean;
  /** When set, every reader must present it as a bearer token (loopback too). */
  token?: string;
}

export interface MetricsReader {
  /** The TCP peer as the socket sees it — never X-Forwarded-For, whatever TRUST_PROXY says. */
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
}

export type MetricsDecision =
  { allowed: true } | { allowed: false; status: 401 | 403 | 404; message: string };

/** Headers a reverse proxy adds: a request carrying one came through a proxy, whatever its socket. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function sameToken(given: string, expected: string): boolean {
  // Digests first: equal lengths for timingSafeEqual, and the length of the token does not leak.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may read /metrics. With METRICS_TOKEN: anyone presenting it. Without: loopback only, by the
 * socket's own peer address, and not a request that a proxy forwarded — a reverse proxy on the
 * same host connects from 127.0.0.1, so its socket alone would open the metrics to the internet.
 * A forged X-Forwarded-For can only refuse access, never grant it.
 */
export function decideMetricsAccess(setting: MetricsSetting, reader: MetricsReader): MetricsDecision {
  if (!setting.enabled) return { allowed: false, status: 404, message: 'metrics are disabled (METRICS=off)' };
  if (setting.token) {
    const header = reader.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match || !sameToken(match[1], setting.token))
      return { allowed: false, status: 401, message: 'a valid bearer token (METRICS_TOKEN) is required' };
    return { allowed: true };
  }
  if (!isLoopback(reader.remoteAddress))
    return {
      allowed: false,
      status: 403,
      message: 'metrics are served to loopback only; set METRICS_TOKEN to read them from elsewhere',
    };
  if (PROXY_HEADERS.some((name) => reader.headers[name] !== undefined))
    return {
      allowed: false,
      status: 403,
      message: 'metrics are not served through a proxy without METRICS_TOKEN',
    };
  return { allowed: true };
}
