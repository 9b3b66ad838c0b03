import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { readBoolean, readDate, readJson, readNumber, readText } from '../database/columns-read';
import { DatabaseService } from '../database/database.service';
import type { FlowState } from '../messaging/reply';
import { ConversationEntity } from './conversation.entity';
import { StaffRequestEntity } from './staff-request.entity';

export class ConcurrentTurnError extends Error {
  override readonly name = 'ConcurrentTurnError';
}

@Injectable()
export class ConversationRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Read at the start of every turn: one prepared statement, no entity hydration. */
  async findByUser(unitId: string, channel: string, userId: string): Promise<ConversationEntity | null> {
    const p = (i: number) => this.db.param(i);
    const rows = await this.db.manager.query<Record<string, unknown>[]>(
      `SELECT * FROM "conversation" WHERE "unitId" = ${p(1)} AND "channel" = ${p(2)} AND "userId" = ${p(3)}`,
      [unitId, channel, userId],
    );
    return rows.length ? toConversation(rows[0]) : null;
  }

  findById(id: string): Promise<ConversationEntity | null> {
    return this.db.manager.findOne(ConversationEntity, { where: { id } });
  }

  /**
   * Saves the conversation only if no other turn (nor a staff hand-off change) changed it since it
   * was read (turnCount is the version): two instances can never interleave two turns of one
   * conversation, and a turn never writes back a hand-off state staff just changed.
   */
  async saveTurn(
    manager: EntityManager,
    conversation: ConversationEntity,
    readTurnCount: number | null,
  ): Promise<void> {
    const values = COLUMNS.map((c) => toColumn(conversation[c], this.db.kind));
    if (readTurnCount === null) {
      await this.db.execute(
        manager,
        `INSERT INTO "conversation" ("id", ${COLUMNS.map((c) => `"${c}"`).join(', ')})
         VALUES (${[conversation.id, ...values].map((_, i) => this.db.param(i + 1)).join(', ')})`,
        [conversation.id, ...values],
      );
      return;
    }
    const p = (i: number) => this.db.param(i);
    const affected = await this.db.execute(
      manager,
      `UPDATE "conversation" SET ${COLUMNS.map((c, i) => `"${c}" = ${p(i + 1)}`).join(', ')}
       WHERE "id" = ${p(COLUMNS.length + 1)} AND "turnCount" = ${p(COLUMNS.length + 2)}`,
      [...values, conversation.id, readTurnCount],
    );
    const id = conversation.id;
    if (!affected) throw new ConcurrentTurnError(`conversation ${id} changed during the turn`);
  }

  addStaffRequest(
    manager: EntityManager,
    request: Omit<StaffRequestEntity, 'id' | 'closedAt' | 'closedBy' | 'note' | 'status'>,
  ): Promise<StaffRequestEntity> {
    return manager.save(manager.create(StaffRequestEntity, { ...request, status: 'open' }));
  }
}

/** Every column but the id, in one order for the INSERT and the UPDATE. */
const COLUMNS = [
  'unitId',
  'channel',
  'userId',
  'userKey',
  'language',
  'languageSettled',
  'consent',
  'consentAt',
  'consentAskedAt',
  'flow',
  'lastIntent',
  'lastTopic',
  'missCount',
  'turnCount',
  'handoffUntil',
  'handoffAt',
  'lastUserMessageAt',
  'satisfactionAskedAt',
  'subscriptionOfferedAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof ConversationEntity)[];

function toColumn(value: unknown, kind: 'sqlite' | 'postgres'): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return kind === 'postgres' ? value : value ? 1 : 0;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value ?? null;
}

function toConversation(r: Record<string, unknown>): ConversationEntity {
  return Object.assign(new ConversationEntity(), {
    id: String(r.id),
    unitId: String(r.unitId),
    channel: String(r.channel),
    userId: String(r.userId),
    userKey: String(r.userKey),
    language: String(r.language),
    languageSettled: readBoolean(r.languageSettled),
    consent: String(r.consent),
    consentAt: readDate(r.consentAt),
    consentAskedAt: readDate(r.consentAskedAt),
    flow: readJson<FlowState>(r.flow),
    lastIntent: readText(r.lastIntent),
    lastTopic: readText(r.lastTopic),
    missCount: readNumber(r.missCount),
    turnCount: readNumber(r.turnCount),
    handoffUntil: readDate(r.handoffUntil),
    handoffAt: readDate(r.handoffAt),
    lastUserMessageAt: readDate(r.lastUserMessageAt),
    satisfactionAskedAt: readDate(r.satisfactionAskedAt),
    subscriptionOfferedAt: readDate(r.subscriptionOfferedAt),
    createdAt: readDate(r.createdAt)!,
    updatedAt: readDate(r.updatedAt)!,
  });
}
