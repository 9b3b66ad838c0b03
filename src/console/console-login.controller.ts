import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fromRoot } from '../common/project-root';
import { AppConfig } from '../config/app-config';
import { I18nService } from '../i18n/i18n.service';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx } from './console-auth.guard';
import { ConsoleAuthService } from './console-auth.service';
import { ConsoleExceptionFilter } from './console-exception.filter';
import {
  LANG_COOKIE,
  PRELOGIN_COOKIE,
  SESSION_COOKIE,
  languageOf,
  readCookies,
  safeBack,
  setCookie,
} from './console-http';
import { document, formatTime, html, langSwitch, type ConsoleContext } from './console-view';

const ASSETS: Record<string, { file: string; type: string }> = {
  'console.css': { file: 'src/console/public/console.css', type: 'text/css; charset=utf-8' },
  'console.js': { file: 'src/console/public/console.js', type: 'text/javascript; charset=utf-8' },
  // Charts from the npm package, served by the app: no CDN.
  'chart.js': { file: 'node_modules/chart.js/dist/chart.umd.min.js', type: 'text/javascript; charset=utf-8' },
};

/** Sign in and out, the language switch and the console's static assets. */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsoleExceptionFilter)
export class ConsoleLoginController {
  private readonly assets = new Map<string, string>();

  constructor(
    private readonly auth: ConsoleAuthService,
    private readonly audit: ConsoleAuditService,
    private readonly i18n: I18nService,
    private readonly config: AppConfig,
  ) {
    for (const [name, asset] of Object.entries(ASSETS))
      this.assets.set(name, readFileSync(fromRoot(asset.file), 'utf8'));
  }

  private secure(request: FastifyRequest): boolean {
    const setting = this.config.env.CONSOLE_COOKIE_SECURE;
    return setting === 'auto' ? request.protocol === 'https' : setting === 'true';
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const body = this.assets.get(name);
    if (body === undefined) throw new NotFoundException();
    void reply.header('content-type', ASSETS[name].type).header('cache-control', 'public, max-age=3600');
    return body;
  }

  @Get('login')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  loginPage(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('next') next?: string,
  ): string {
    return this.renderLogin(request, reply, safeBack(next), null);
  }

  private renderLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    next: string,
    error: string | null,
  ): string {
    const lang = languageOf(request);
    const t = (key: string, params?: Record<string, string>) =>
      this.i18n.t(lang, { key: `console:${key}`, params });
    // Double-submit token for the login form, bound to a random cookie (there is no session yet).
    let pre = readCookies(request)[PRELOGIN_COOKIE];
    if (!pre || !/^[\w-]{20,64}$/.test(pre)) {
      pre = randomBytes(24).toString('base64url');
      setCookie(reply, PRELOGIN_COOKIE, pre, { secure: this.secure(request), maxAgeSeconds: 3600 });
    }
    return document(
      lang,
      t('login.title'),
      html`<main class="main narrow login">
        <p class="right">${langSwitch(`/console/login?next=${encodeURIComponent(next)}`, lang)}</p>
        <h1>${t('brand')}</h1>
        <h2>${t('login.title')}</h2>
        ${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
        <form method="post" action="/console/login" class="stack">
          <input type="hidden" name="_csrf" value="${this.auth.csrfToken(`pre:${pre}`)}" />
          <input type="hidden" name="next" value="${next}" />
          <label
            >${t('login.email')} <input name="email" type="email" autocomplete="username" required
          /></label>
          <label
            >${t('login.password')}
            <input name="password" type="password" autocomplete="current-password" required
          /></label>
          <button type="submit">${t('login.submit')}</button>
        </form>
      </main>`,
    );
  }

  @Post('login')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async login(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<string | void> {
    const lang = languageOf(request);
    const t = (key: string, params?: Record<string, string>) =>
      this.i18n.t(lang, { key: `console:${key}`, params });
    const next = safeBack(body?.next);
    const pre = readCookies(request)[PRELOGIN_COOKIE] ?? '';
    void reply.header('content-type', 'text/html; charset=utf-8');
    if (!pre || !this.auth.checkCsrf(`pre:${pre}`, body?._csrf)) {
      void reply.status(403);
      return this.renderLogin(request, reply, next, t('error.csrf'));
    }
    const email = typeof body.email === 'string' ? body.email.slice(0, 191) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
    const result = await this.auth.login(email, password, request.ip);
    if (!result.ok) {
      await this.audit.record(
        { id: null, email: email.toLowerCase() || '?' },
        'login_failed',
        null,
        request.ip,
      );
      if (result.reason === 'locked') {
        void reply.status(429);
        return this.renderLogin(
          request,
          reply,
          next,
          t('login.locked', { until: formatTime(result.until, lang) }),
        );
      }
      void reply.status(401);
      return this.renderLogin(request, reply, next, t('login.invalid'));
    }
    await this.audit.record(result.user, 'login', result.user.unitId, request.ip);
    setCookie(reply, SESSION_COOKIE, result.token, { secure: this.secure(request) });
    void reply.status(303).header('location', next);
  }

  @Post('logout')
  @UseGuards(ConsoleAuthGuard)
  async logout(
    @Ctx() ctx: ConsoleContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(ctx.tokenHash);
    await this.audit.record(ctx.user, 'logout', ctx.user.unitId);
    setCookie(reply, SESSION_COOKIE, '', { secure: this.secure(request), maxAgeSeconds: 0 });
    await reply.status(303).header('location', '/console/login').send();
  }

  @Get('lang')
  language(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('to') to?: string,
    @Query('back') back?: string,
  ): Promise<void> {
    setCookie(reply, LANG_COOKIE, to === 'en' ? 'en' : 'vi', {
      secure: this.secure(request),
      maxAgeSeconds: 365 * 86400,
      httpOnly: false,
    });
    return reply.status(303).header('location', safeBack(back)).send() as unknown as Promise<void>;
  }
}
