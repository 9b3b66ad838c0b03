import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of two secrets as given (case counts): both are hashed first, so neither
 * their content nor their length shows in the timing. For verify tokens; digests use sameDigest.
 */
export function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

/** Constant-time comparison of two hex digests; the given one may be upper-case hex (different lengths never match). */
export function sameDigest(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Meta: X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(app secret, raw body). */
export function messengerSignatureValid(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest('hex');
  return sameDigest(expected, header.slice('sha256='.length));
}

/** Meta's older header, accepted only when the sha256 one is absent: "sha1=" + HMAC-SHA1. */
export function messengerSha1Valid(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith('sha1=')) return false;
  const expected = createHmac('sha1', appSecret).update(rawBody).digest('hex');
  return sameDigest(expected, header.slice('sha1='.length));
}

/**
 * Zalo OA: X-ZEvent-Signature = "mac=" + SHA-256(app_id + raw body + timestamp + OA secret key),
 * a plain hash (not an HMAC), with app_id and timestamp as written in the body.
 */
export function zaloSignatureValid(
  rawBody: Buffer,
  header: string | undefined,
  appId: string,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  if (!header?.startsWith('mac=')) return false;
  const expected = createHash('sha256')
    .update(
      Buffer.concat([Buffer.from(appId, 'utf8'), rawBody, Buffer.from(timestamp + oaSecretKey, 'utf8')]),
    )
    .digest('hex');
  return sameDigest(expected, header.slice('mac='.length));
}
