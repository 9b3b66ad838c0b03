import {
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Logger,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InboxClosedError, InboxService, type UnroutedEvent } from '../../inbox/inbox.service';
import type { InboundEvent } from '../../messaging/inbound-event';
import { ChannelAccounts } from '../channel-accounts';
import { messengerSha1Valid, messengerSignatureValid, sameSecret } from '../signature';
import { parseMessengerPayload } from './messenger-event.parser';

/** Facebook Messenger webhook: verification handshake and signed event deliveries. */
@ApiExcludeController()
@Controller('webhooks/messenger')
export class MessengerController {
  private readonly logger = new Logger(MessengerController.name);

  constructor(
    private readonly accounts: ChannelAccounts,
    private readonly inbox: InboxService,
  ) {}

  @Get()
  verify(
    @Query('hub.mode') mode: string | undefined,
    @Query('hub.verify_token') token: string | undefined,
    @Query('hub.challenge') challenge: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const ok =
      mode === 'subscribe' &&
      !!token &&
      this.accounts.messenger.some((a) => sameSecret(a.verifyToken, token));
    if (!ok || challenge === undefined) {
      void reply
        .status(403)
        .header('content-type', 'application/json; charset=utf-8')
        .send({ statusCode: 403, message: 'verification failed' });
      return;
    }
    void reply.status(200).header('content-type', 'text/plain; charset=utf-8').send(challenge);
  }

  @Post()
  @HttpCode(200)
  async receive(
    @Req() request: FastifyRequest & { rawBody?: Buffer },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!this.accounts.messenger.length)
      throw new HttpException({ message: 'Messenger is not configured' }, HttpStatus.NOT_FOUND);
    const raw = request.rawBody ?? Buffer.alloc(0);
    const sha256 = header(request, 'x-hub-signature-256');
    const sha1 = header(request, 'x-hub-signature');
    const secrets = [...new Set(this.accounts.messenger.map((a) => a.appSecret))];
    const valid = sha256
      ? secrets.some((s) => messengerSignatureValid(raw, sha256, s))
      : !!sha1 && secrets.some((s) => messengerSha1Valid(raw, sha1, s));
    if (!valid) {
      this.logger.warn({ msg: 'Messenger delivery refused: missing or wrong signature', bytes: raw.length });
      throw new HttpException({ message: 'invalid signature' }, HttpStatus.FORBIDDEN);
    }
    const parsed = parseMessengerPayload(
      request.body,
      (pageId) => this.accounts.messengerByPage(pageId)?.unitId,
      this.accounts.messengerAppId,
    );
    const events: (InboundEvent | UnroutedEvent)[] = [];
    for (const p of parsed) {
      if (p.type === 'ignored') this.logger.debug({ msg: 'Messenger event ignored', reason: p.reason });
      else events.push(p.event);
    }
    try {
      const accepted = await this.inbox.accept(events);
      const duplicates = accepted.filter((a) => a.duplicate).length;
      if (duplicates) this.logger.log({ msg: 'Messenger re-delivery dropped', duplicates });
    } catch (error) {
      if (error instanceof InboxClosedError)
        throw new HttpException({ message: 'restarting, deliver again' }, HttpStatus.SERVICE_UNAVAILABLE);
      throw error;
    }
    void reply.header('content-type', 'text/plain; charset=utf-8');
    return 'EVENT_RECEIVED';
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
