import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../messaging/language';

export const SESSION_COOKIE = 'console_session';
export const PRELOGIN_COOKIE = 'console_pre';
export const LANG_COOKIE = 'console_lang';

export function readCookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie is ignored, like a missing one.
    }
  }
  return out;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  httpOnly?: boolean;
  secure: boolean;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/console', 'SameSite=Lax'];
  if (options.httpOnly !== false) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  void reply.header('set-cookie', [...list, parts.join('; ')]);
}

export function languageOf(request: FastifyRequest): Language {
  return readCookies(request)[LANG_COOKIE] === 'en' ? 'en' : 'vi';
}

/** Only local console paths may be redirected to (no open redirect). */
export function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/console(?:[/?#]|$)/.test(value) && !value.startsWith('//')
    ? value
    : '/console';
}
