import {
  Catch,
  HttpException,
  Injectable,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorMessage } from '../common/errors';
import { I18nService } from '../i18n/i18n.service';
import { CsrfException, LoginRequiredException } from './console-auth.guard';
import { languageOf } from './console-http';
import { document, html } from './console-view';

/** Console errors as pages in the reader's language; no session → the login page. */
@Injectable()
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  constructor(private readonly i18n: I18nService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof LoginRequiredException) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      void reply.status(303).header('location', `/console/login${next}`).send();
      return;
    }
    const lang = languageOf(request);
    const t = (key: string) => this.i18n.t(lang, { key: `console:${key}` });
    let status = 500;
    let key = 'error.internal';
    if (exception instanceof CsrfException) {
      status = 403;
      key = 'error.csrf';
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      key = status === 403 ? 'error.forbidden' : status === 404 ? 'error.not_found' : 'error.bad_request';
    } else {
      this.logger.error({ msg: 'console page failed', url: request.url, error: errorMessage(exception) });
    }
    const body = html`<main class="main narrow">
      <h1>${status}</h1>
      <p>${t(key)}</p>
      <p><a href="/console">${t('error.back')}</a></p>
    </main>`;
    void reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .send(document(lang, `${status} — ${t('brand')}`, body));
  }
}
