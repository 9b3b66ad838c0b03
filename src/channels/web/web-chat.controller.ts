import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  Post,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Clock } from '../../common/clock';
import { currentCorrelationId } from '../../common/correlation';
import { errorMessage } from '../../common/errors';
import { InboxClosedError, InboxService } from '../../inbox/inbox.service';
import { InboxWorker, TurnTimeoutError } from '../../inbox/inbox.worker';
import type { InboundEvent } from '../../messaging/inbound-event';
import { OutboxService } from '../../outbox/outbox.service';
import type { Unit, WebChatMode } from '../../units/unit';
import { UnitsService } from '../../units/units.service';
import { ChatMessageDto, ChatRequestDto, ChatResponseDto } from './chat-request.dto';
import { WebChatThrottlerGuard } from './web-chat.throttler';

/** Lone surrogates (broken Unicode from a bad client) become U+FFFD instead of breaking storage. */
function wellFormed(text: string): string {
  return text.toWellFormed();
}

/** The web chat's JSON API: the playground, and the channel every test drives. */
@ApiTags('web chat')
@Controller('api')
@UseGuards(WebChatThrottlerGuard)
@ApiTooManyRequestsResponse({ description: 'Rate limited (per session and per client IP); see Retry-After.' })
export class WebChatController {
  private readonly logger = new Logger(WebChatController.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly worker: InboxWorker,
    private readonly outbox: OutboxService,
    private readonly units: UnitsService,
    private readonly clock: Clock,
  ) {}

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one message (text or payload); returns the replies of that turn.' })
  @ApiOkResponse({ type: ChatResponseDto })
  @ApiForbiddenResponse({ description: 'The web chat is off for that unit (code web_chat_off).' })
  async chat(@Body() body: ChatRequestDto): Promise<ChatResponseDto> {
    const text = body.text !== undefined ? wellFormed(body.text) : undefined;
    const payload = body.payload?.trim() ? body.payload.trim() : undefined;
    if (!text?.trim() && !payload) {
      throw new BadRequestException({
        message: 'text or payload is required (text must not be empty)',
        field: 'text',
      });
    }
    const unit = this.openUnit(body.unit);

    const event: InboundEvent = {
      unitId: unit.id,
      channel: 'web',
      userId: body.sessionId,
      externalId: `${body.sessionId}:${body.messageId ?? randomUUID()}`,
      kind: payload ? 'postback' : 'text',
      text: payload ? undefined : text,
      payload,
      occurredAt: this.clock.now(),
      languageHint: body.language,
    };
    const [accepted] = await this.inbox.accept([event]).catch((error: unknown) => {
      if (error instanceof InboxClosedError) {
        this.logFailure('warn', error);
        throw new ServiceUnavailableException({ message: 'the service is restarting; please send again' });
      }
      throw error;
    });
    try {
      const result = await this.worker.waitFor(accepted.id);
      return {
        replies: result.replies,
        intent: result.intent,
        topic: result.topic,
        language: result.language,
      };
    } catch (error) {
      // Either way the event stays in the inbox, and the worker tries it again.
      if (error instanceof TurnTimeoutError) {
        this.logFailure('warn', error, accepted.id);
        throw new ServiceUnavailableException({
          message: 'the bot could not answer right now; please try again',
        });
      }
      this.logFailure('error', error, accepted.id);
      throw new InternalServerErrorException({
        message: 'internal error: the bot failed on this message; it is logged under the correlation id',
      });
    }
  }

  private logFailure(level: 'warn' | 'error', error: unknown, inboxEventId?: number): void {
    this.logger[level]({
      msg: 'web chat turn not answered',
      correlationId: currentCorrelationId(),
      inboxEventId,
      error: errorMessage(error),
    });
  }

  /** The unit asked for (the default one when absent), if it exists and its web chat is not off. */
  private openUnit(unitId: string | undefined): Unit {
    const unit = unitId ? this.units.get(unitId) : this.units.defaultUnit();
    if (!unit) throw new NotFoundException({ message: `unknown unit "${unitId}"`, field: 'unit' });
    if (unit.webChat === 'off') {
      throw new ForbiddenException({
        code: 'web_chat_off',
        field: 'unit',
        message: `the web chat is off for unit "${unit.id}" (webChat: off in the units file)`,
      });
    }
    return unit;
  }

  @Get('chat/messages')
  @ApiOperation({
    summary: 'Messages for a web chat session after a given id (replies from staff arrive here).',
  })
  @ApiQuery({ name: 'sessionId', required: true })
  @ApiQuery({ name: 'unit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiOkResponse({ type: [ChatMessageDto] })
  @ApiForbiddenResponse({ description: 'The web chat is off for that unit (code web_chat_off).' })
  async messages(
    @Query('sessionId') sessionId: string | undefined,
    @Query('unit') unitId: string | undefined,
    @Query('after') after: string | undefined,
  ): Promise<ChatMessageDto[]> {
    if (!sessionId || sessionId.length > 64) {
      throw new BadRequestException({
        message: 'sessionId must be a string of 1 to 64 characters',
        field: 'sessionId',
      });
    }
    const afterId = after === undefined ? 0 : Number(after);
    if (!Number.isInteger(afterId) || afterId < 0) {
      throw new BadRequestException({ message: 'after must be a non-negative integer', field: 'after' });
    }
    const unit = this.openUnit(unitId);
    const rows = await this.outbox.forRecipient(unit.id, 'web', sessionId, afterId);
    return rows.map((row) => ({
      id: row.id,
      origin: row.origin,
      createdAt: row.createdAt.toISOString(),
      ...row.message,
    }));
  }

  @Get('units')
  @SkipThrottle({ session: true, ip: true })
  @ApiOperation({
    summary:
      'The units of this deployment, the default unit first; webChat says whether its web chat is off, a playground (not counted) or public.',
  })
  @ApiQuery({ name: 'lang', required: false, enum: ['vi', 'en'] })
  units_(@Query('lang') lang?: string): { id: string; name: string; webChat: WebChatMode }[] {
    const language = lang === 'en' ? 'en' : 'vi';
    return this.units.all().map((u) => ({ id: u.id, name: u.name[language], webChat: u.webChat }));
  }
}
