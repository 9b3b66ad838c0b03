import {
  ForbiddenException,
  Injectable,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { I18nService } from '../i18n/i18n.service';
import { UnitsService } from '../units/units.service';
import { ConsoleAuthService, ROLE_RANK } from './console-auth.service';
import { ALL_UNITS, type ConsoleRole } from './console-user.entity';
import type { ConsoleContext } from './console-view';
import { SESSION_COOKIE, languageOf, readCookies } from './console-http';

/** Thrown when no valid session comes with the request: the filter sends the browser to the login page. */
export class LoginRequiredException extends Error {
  override readonly name = 'LoginRequiredException';
}

export class CsrfException extends ForbiddenException {}

const MIN_ROLE = 'console:minRole';
/** The least role a handler needs (viewer when absent). */
export const MinRole = (role: ConsoleRole) => SetMetadata(MIN_ROLE, role);

type ConsoleRequest = FastifyRequest & { consoleContext?: ConsoleContext };

/** Session, role, CSRF (every POST) and the units the account may see, for every console route. */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(
    private readonly auth: ConsoleAuthService,
    private readonly units: UnitsService,
    private readonly i18n: I18nService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const signedIn = await this.auth.resolve(readCookies(request)[SESSION_COOKIE]);
    if (!signedIn) throw new LoginRequiredException();
    const { user, tokenHash } = signedIn;
    if (request.method === 'POST') {
      const body = request.body as Record<string, unknown> | undefined;
      if (!this.auth.checkCsrf(tokenHash, body?._csrf)) throw new CsrfException({ message: 'csrf' });
    }
    const needed =
      this.reflector.getAllAndOverride<ConsoleRole | undefined>(MIN_ROLE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'viewer';
    if (ROLE_RANK[user.role] < ROLE_RANK[needed]) throw new ForbiddenException({ message: 'role' });
    const units =
      user.unitId === ALL_UNITS ? this.units.all() : this.units.all().filter((u) => u.id === user.unitId);
    const lang = languageOf(request);
    request.consoleContext = {
      user,
      tokenHash,
      csrf: this.auth.csrfToken(tokenHash),
      lang,
      t: (key, params) => this.i18n.t(lang, { key: `console:${key}`, params }),
      units,
      unitIds: units.map((u) => u.id),
      url: request.url,
    };
    return true;
  }
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): ConsoleContext => {
  const ctx = context.switchToHttp().getRequest<ConsoleRequest>().consoleContext;
  if (!ctx) throw new LoginRequiredException();
  return ctx;
});
