import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { Clock, daysBefore } from '../common/clock';
import { errorMessage } from '../common/errors';
import { AppConfig } from '../config/app-config';
import type { ConsoleSessionEntity } from './console-session.entity';
import { type ConsoleRole, type ConsoleUserEntity } from './console-user.entity';
import { ConsoleRepository } from './console.repository';

export const BCRYPT_COST = 11;
const SESSION_MS = 12 * 3600_000;
const IDLE_MS = 2 * 3600_000;
/** Lock-out: this many failures in a row for one e-mail within the window locks it for the window. */
export const MAX_EMAIL_FAILURES = 5;
/** Rate limit per client address (several accounts guessed from one place). */
export const MAX_IP_FAILURES = 20;
export const LOCK_WINDOW_MS = 15 * 60_000;
// Compared against when the e-mail is unknown, so that timing does not tell which accounts exist.
const DUMMY_HASH = bcrypt.hashSync('not-a-password', 4);

export type LoginResult =
  | { ok: true; token: string; user: ConsoleUserEntity }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

export interface SignedIn {
  user: ConsoleUserEntity;
  tokenHash: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export const ROLE_RANK: Record<ConsoleRole, number> = { viewer: 1, staff: 2, admin: 3 };

/** Accounts, sessions, lock-out and CSRF tokens of the console. */
@Injectable()
export class ConsoleAuthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsoleAuthService.name);
  private readonly secret: string;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: ConsoleRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.secret = config.serverSecret('SESSION_SECRET');
  }

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(
      () =>
        void this.purgeAttempts().catch((error) =>
          this.logger.error({ msg: 'login attempt purge failed', error: errorMessage(error) }),
        ),
      3_600_000,
    );
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /** Login attempts matter for LOCK_WINDOW_MS only; they go with the queues' retention (QUEUE_RETENTION_DAYS). */
  purgeAttempts(now = this.clock.now()): Promise<number> {
    return this.repository.purgeAttempts(daysBefore(now, this.config.env.QUEUE_RETENTION_DAYS));
  }

  async login(emailInput: string, password: string, ip: string): Promise<LoginResult> {
    const email = emailInput.trim().toLowerCase();
    const now = this.clock.now();
    const keys = [`email:${email}`, `ip:${ip}`];
    const locked = await this.lockedUntil(email, ip, now);
    if (locked) return { ok: false, reason: 'locked', until: locked };
    const user = email ? await this.repository.userByEmail(email) : null;
    const matches = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.active || !matches) {
      await this.repository.addAttempt(keys, now, false);
      const after = await this.lockedUntil(email, ip, now);
      return after ? { ok: false, reason: 'locked', until: after } : { ok: false, reason: 'invalid' };
    }
    await this.repository.addAttempt(keys, now, true);
    const token = randomBytes(32).toString('base64url');
    await this.repository.addSession({
      tokenHash: sha256(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MS),
    });
    await this.repository.deleteExpiredSessions(now);
    return { ok: true, token, user };
  }

  private async lockedUntil(email: string, ip: string, now: Date): Promise<Date | null> {
    const since = new Date(now.getTime() - LOCK_WINDOW_MS);
    const byEmail = await this.repository.recentFailures(`email:${email}`, since);
    if (byEmail.length >= MAX_EMAIL_FAILURES) return new Date(byEmail[0].getTime() + LOCK_WINDOW_MS);
    const byIp = await this.repository.recentFailures(`ip:${ip}`, since);
    if (byIp.length >= MAX_IP_FAILURES) return new Date(byIp[0].getTime() + LOCK_WINDOW_MS);
    return null;
  }

  /** The signed-in user of a cookie token, or null (unknown, expired, idle too long, disabled). */
  async resolve(token: string | undefined): Promise<SignedIn | null> {
    if (!token || token.length > 100) return null;
    const tokenHash = sha256(token);
    const session = await this.repository.session(tokenHash);
    const now = this.clock.now();
    if (!session || !this.alive(session, now)) return null;
    const user = await this.repository.userById(session.userId);
    if (!user || !user.active) return null;
    // One write a minute at most per session.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000)
      await this.repository.touchSession(tokenHash, now);
    return { user, tokenHash };
  }

  private alive(session: ConsoleSessionEntity, now: Date): boolean {
    return session.expiresAt > now && now.getTime() - session.lastSeenAt.getTime() < IDLE_MS;
  }

  async logout(tokenHash: string): Promise<void> {
    await this.repository.deleteSession(tokenHash);
  }

  /** The form token of a session (or of a pre-login cookie): bound to it, useless elsewhere. */
  csrfToken(binding: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${binding}`).digest('base64url');
  }

  checkCsrf(binding: string, submitted: unknown): boolean {
    if (typeof submitted !== 'string' || !binding) return false;
    const expected = Buffer.from(this.csrfToken(binding));
    const given = Buffer.from(submitted);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
