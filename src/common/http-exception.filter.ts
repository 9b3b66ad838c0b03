import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { currentCorrelationId } from './correlation';

interface FastifyError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body is empty; send a JSON object',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body is larger than 1 MB',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content length does not match the body',
};

/**
 * Every error leaves as JSON with its status, a message naming the problem (and the field when
 * there is one) and the correlation id; an unexpected error is logged and says nothing internal.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const correlationId = currentCorrelationId();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: Record<string, unknown> = { message: 'internal error' };

    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') body = { message: response };
      else {
        const r = response as Record<string, unknown>;
        body = { message: Array.isArray(r.message) ? r.message[0] : (r.message ?? exception.message) };
        if (r.field) body.field = r.field;
        // A neutral, machine-readable reason (rate_limited, web_chat_off) beside the human message.
        if (typeof r.code === 'string') body.code = r.code;
      }
    } else if (isFastifyError(exception)) {
      status = exception.statusCode!;
      body = { message: FASTIFY_MESSAGES[exception.code ?? ''] ?? exception.message ?? 'bad request' };
    }
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error(exception instanceof Error ? exception : String(exception));
    }
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({
        statusCode: status,
        error: HttpStatus[status] ?? 'Error',
        ...body,
        ...(correlationId ? { correlationId } : {}),
      });
  }
}

function isFastifyError(e: unknown): e is FastifyError {
  const s = (e as FastifyError | undefined)?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600;
}
