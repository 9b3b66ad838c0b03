import { isIP } from 'node:net';

/** What Fastify's `trustProxy` accepts from us: nobody, a number of hops, or the proxies' addresses. */
export type TrustProxy = false | number | string[];

const CIDR = /^(.+)\/(\d{1,3})$/;

function isAddressOrRange(value: string): boolean {
  const range = CIDR.exec(value);
  if (!range) return isIP(value) !== 0;
  const version = isIP(range[1]);
  const bits = Number(range[2]);
  return version !== 0 && bits <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: `off` (default: X-Forwarded-* ignored, the client is the TCP peer), a hop count
 * 1–10 (that many proxies in front), or comma-separated addresses / CIDR ranges of the proxies.
 * `true` is refused on purpose: it lets any client choose its own address.
 * Returns an error message instead of a setting when the value is not one of those.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy | { error: string } {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'off' || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= 10) return hops;
  } else {
    const list = value.split(',').map((s) => s.trim());
    if (list.every((s) => s && isAddressOrRange(s))) return list;
  }
  return {
    error:
      "TRUST_PROXY must be off, a number of proxy hops (1-10) or the proxies' addresses, e.g. 127.0.0.1 or 10.0.0.0/8,::1",
  };
}
