import { Controller, HttpCode, HttpException, HttpStatus, Logger, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { InboxClosedError, InboxService } from '../../inbox/inbox.service';
import { ChannelAccounts } from '../channel-accounts';
import { zaloSignatureValid } from '../signature';
import { parseZaloPayload } from './zalo-event.parser';

/** Zalo OA webhook: one signed event per delivery, acknowledged once it is in the inbox. */
@ApiExcludeController()
@Controller('webhooks/zalo')
export class ZaloController {
  private readonly logger = new Logger(ZaloController.name);

  constructor(
    private readonly accounts: ChannelAccounts,
    private readonly inbox: InboxService,
  ) {}

  @Post()
  @HttpCode(200)
  async receive(
    @Req() request: FastifyRequest & { rawBody?: Buffer },
  ): Promise<{ error: number; message: string }> {
    if (!this.accounts.zalo.length)
      throw new HttpException({ message: 'Zalo OA is not configured' }, HttpStatus.NOT_FOUND);
    const raw = request.rawBody ?? Buffer.alloc(0);
    const body = (request.body ?? {}) as { app_id?: unknown; timestamp?: unknown };
    const signature = request.headers['x-zevent-signature'];
    const header = Array.isArray(signature) ? signature[0] : signature;
    const scalar = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
    const appId = scalar(body.app_id);
    const timestamp = scalar(body.timestamp);
    // The OA secret key signs; where a unit has none distinct from the app secret, Zalo's docs say
    // they may be the same value (channels.md B.5), so both are tried.
    const keys = [
      ...new Set(
        this.accounts.zalo.filter((a) => a.appId === appId).flatMap((a) => [a.oaSecretKey, a.appSecret]),
      ),
    ];
    if (!keys.some((key) => zaloSignatureValid(raw, header, appId, timestamp, key))) {
      this.logger.warn({ msg: 'Zalo delivery refused: missing or wrong signature', bytes: raw.length });
      throw new HttpException({ message: 'invalid signature' }, HttpStatus.FORBIDDEN);
    }
    const parsed = parseZaloPayload(request.body, (oaId) => this.accounts.zaloByOa(oaId)?.unitId);
    if (parsed.type === 'ignored') {
      this.logger.debug({ msg: 'Zalo event acknowledged and ignored', reason: parsed.reason });
      return { error: 0, message: 'ignored' };
    }
    try {
      const [accepted] = await this.inbox.accept([parsed.event]);
      if (accepted.duplicate) this.logger.log({ msg: 'Zalo re-delivery dropped' });
    } catch (error) {
      if (error instanceof InboxClosedError)
        throw new HttpException({ message: 'restarting, deliver again' }, HttpStatus.SERVICE_UNAVAILABLE);
      throw error;
    }
    return { error: 0, message: 'received' };
  }
}
