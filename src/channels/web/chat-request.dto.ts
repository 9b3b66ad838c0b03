import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** The web chat's request: a contract that tests and tools rely on (issue 2). */
export class ChatRequestDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    description: 'Identifies the chat session (the user on the web channel).',
  })
  @IsString({ message: 'sessionId must be a string of 1 to 64 characters' })
  @Length(1, 64, { message: 'sessionId must be a string of 1 to 64 characters' })
  sessionId: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'What the user typed. Either text or payload is required.',
  })
  @IsOptional()
  @IsString({ message: 'text must be a string of at most 2000 characters' })
  @MaxLength(2000, { message: 'text must be a string of at most 2000 characters' })
  text?: string;

  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'A quick-reply or button payload, e.g. "MENU" or "vneid:forgot_password".',
  })
  @IsOptional()
  @IsString({ message: 'payload must be a string of at most 1000 characters' })
  @MaxLength(1000, { message: 'payload must be a string of at most 1000 characters' })
  payload?: string;

  @ApiPropertyOptional({ description: 'Unit id (see GET /api/units); the default unit when absent.' })
  @IsOptional()
  @IsString({ message: 'unit must be a unit id string' })
  @MaxLength(64, { message: 'unit must be a unit id string' })
  unit?: string;

  @ApiPropertyOptional({
    enum: ['vi', 'en'],
    description: 'Language chosen in the page, used for a new conversation.',
  })
  @IsOptional()
  @IsIn(['vi', 'en'], { message: 'language must be vi or en' })
  language?: 'vi' | 'en';

  @ApiPropertyOptional({
    maxLength: 64,
    description: 'Client message id: a retried POST with the same id is answered once.',
  })
  @IsOptional()
  @IsString({ message: 'messageId must be a string of 1 to 64 characters' })
  @Length(1, 64, { message: 'messageId must be a string of 1 to 64 characters' })
  messageId?: string;
}

class QuickReplyDto {
  @ApiProperty() title: string;
  @ApiProperty() payload: string;
}

class ButtonDto {
  @ApiProperty() title: string;
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() payload?: string;
  @ApiPropertyOptional() phone?: string;
}

class ReplyDto {
  @ApiProperty() text: string;
  @ApiPropertyOptional({ type: [QuickReplyDto] }) quickReplies?: QuickReplyDto[];
  @ApiPropertyOptional({ type: [ButtonDto] }) buttons?: ButtonDto[];
}

export class ChatResponseDto {
  @ApiProperty({
    type: [ReplyDto],
    description: 'The replies of this turn, in order (empty while a person has the conversation).',
  })
  replies: ReplyDto[];
  @ApiProperty({ description: 'The intent that handled the message.' }) intent: string;
  @ApiPropertyOptional() topic?: string;
  @ApiProperty({ enum: ['vi', 'en'] }) language: 'vi' | 'en';
}

export class ChatMessageDto extends ReplyDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['bot', 'staff'] }) origin: string;
  @ApiProperty() createdAt: string;
}
