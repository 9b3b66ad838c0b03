import { Injectable } from '@nestjs/common';
import type { ConversationEntity } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';

/** Read access to conversations for the channels' status endpoints, reports and the console. */
@Injectable()
export class ConversationService {
  constructor(private readonly repository: ConversationRepository) {}

  findByUser(unitId: string, channel: string, userId: string): Promise<ConversationEntity | null> {
    return this.repository.findByUser(unitId, channel, userId);
  }

  findById(id: string): Promise<ConversationEntity | null> {
    return this.repository.findById(id);
  }
}
