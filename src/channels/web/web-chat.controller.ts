import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Clock } from '../../common/clock';
import { InboxClosedError, InboxService } from '../../inbox/inbox.service';
import { InboxWorker } from '../../inbox/inbox.worker';
import type { InboundEvent } from '../../messaging/inbound-event';
import { OutboxService } from '../../outbox/outbox.service';
import { UnitsService } from '../../units/units.service';
import { ChatMessageDto, ChatRequestDto, ChatResponseDto } from './chat-request.dto';

/** Lone surrogates (broken Unicode from a bad client) become U+FFFD instead of breaking storage. */
export function wellFormed(text: string): string {
  return text.toWellFormed();
}

/** The web chat's JSON API: the playground, and the channel every test drives. */
@ApiTags('web chat')
@Controller('api')
export class WebChatController {
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
  async chat(@Body() body: ChatRequestDto): Promise<ChatResponseDto> {
    const text = body.text !== undefined ? wellFormed(body.text) : undefined;
    const payload = body.payload?.trim() ? body.payload.trim() : undefined;
    if (!text?.trim() && !payload) {
      throw new BadRequestException({
        message: 'text or payload is required (text must not be empty)',
        field: 'text',
      });
    }
    const unit = body.unit ? this.units.get(body.unit) : this.units.defaultUnit();
    if (!unit) throw new NotFoundException({ message: `unknown unit "${body.unit}"`, field: 'unit' });

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
      if (error instanceof InboxClosedError)
        throw new ServiceUnavailableException({ message: 'the service is restarting; please send again' });
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
    } catch {
      // Nothing is lost: the event stays in the inbox and is answered when the service recovers.
      throw new ServiceUnavailableException({
        message: 'the bot could not answer right now; please try again',
      });
    }
  }

  @Get('chat/messages')
  @ApiOperation({
    summary: 'Messages for a web chat session after a given id (replies from staff arrive here).',
  })
  @ApiQuery({ name: 'sessionId', required: true })
  @ApiQuery({ name: 'unit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiOkResponse({ type: [ChatMessageDto] })
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
    const unit = unitId ? this.units.get(unitId) : this.units.defaultUnit();
    if (!unit) throw new NotFoundException({ message: `unknown unit "${unitId}"`, field: 'unit' });
    const rows = await this.outbox.forRecipient(unit.id, 'web', sessionId, afterId);
    return rows.map((row) => ({
      id: row.id,
      origin: row.origin,
      createdAt: row.createdAt.toISOString(),
      ...row.message,
    }));
  }

  @Get('units')
  @ApiOperation({ summary: 'The units of this deployment, the default unit first.' })
  @ApiQuery({ name: 'lang', required: false, enum: ['vi', 'en'] })
  units_(@Query('lang') lang?: string): { id: string; name: string }[] {
    const language = lang === 'en' ? 'en' : 'vi';
    return this.units.all().map((u) => ({ id: u.id, name: u.name[language] }));
  }
}
