import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

// Written with the schema builder, not raw SQL, so the same migration runs on SQLite and PostgreSQL.
const id = (): TableColumnOptions => ({
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const str = (name: string, length: number, nullable = false, def?: string): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
  ...(def !== undefined ? { default: `'${def}'` } : {}),
});
const text = (name: string, nullable = true): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});
const int = (name: string, nullable = false, def?: number): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
  ...(def !== undefined ? { default: def } : {}),
});
const ms = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});

export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'conversation',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          str('unitId', 64),
          str('channel', 16),
          str('userId', 128),
          str('userKey', 64),
          str('language', 2),
          str('consent', 8, false, 'unknown'),
          ms('consentAt', true),
          ms('consentAskedAt', true),
          text('flow'),
          str('lastIntent', 32, true),
          str('lastTopic', 48, true),
          int('missCount', false, 0),
          int('turnCount', false, 0),
          ms('handoffUntil', true),
          ms('handoffAt', true),
          ms('lastUserMessageAt', true),
          ms('satisfactionAskedAt', true),
          ms('createdAt'),
          ms('updatedAt'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_conversation_user',
            columnNames: ['unitId', 'channel', 'userId'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_conversation_handoff', columnNames: ['unitId', 'handoffUntil'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'inbox_event',
        columns: [
          id(),
          str('channel', 16),
          str('externalId', 191),
          str('unitId', 64, true),
          str('userId', 128),
          str('conversationKey', 220),
          str('kind', 16),
          text('text'),
          text('payload'),
          text('meta'),
          ms('occurredAt'),
          ms('receivedAt'),
          str('status', 12, false, 'pending'),
          int('attempts', false, 0),
          ms('lockedUntil', true),
          str('lockedBy', 64, true),
          text('lastError'),
          ms('processedAt', true),
          str('correlationId', 36, true),
        ],
        indices: [
          new TableIndex({
            name: 'uq_inbox_external',
            columnNames: ['channel', 'externalId'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_inbox_status', columnNames: ['status', 'id'] }),
          new TableIndex({ name: 'ix_inbox_conversation', columnNames: ['conversationKey', 'id'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'outbox_message',
        columns: [
          id(),
          str('unitId', 64),
          str('channel', 16),
          str('conversationId', 36),
          str('recipientId', 128),
          int('inboxEventId', true),
          ms('userMessageAt', true),
          int('position', false, 0),
          str('origin', 8, false, 'bot'),
          text('message', false),
          str('status', 16, false, 'pending'),
          int('attempts', false, 0),
          ms('nextAttemptAt'),
          text('lastError'),
          str('platformMessageId', 128, true),
          ms('createdAt'),
          ms('sentAt', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_outbox_due', columnNames: ['status', 'nextAttemptAt'] }),
          new TableIndex({ name: 'ix_outbox_conversation', columnNames: ['conversationId', 'id'] }),
          new TableIndex({ name: 'ix_outbox_inbox', columnNames: ['inboxEventId'] }),
          new TableIndex({ name: 'ix_outbox_recipient', columnNames: ['channel', 'recipientId', 'id'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'outbox_attempt',
        columns: [
          id(),
          int('outboxId'),
          ms('startedAt'),
          ms('finishedAt', true),
          str('result', 16, true),
          int('httpStatus', true),
          str('errorCode', 64, true),
          text('error'),
        ],
        indices: [new TableIndex({ name: 'ix_attempt_message', columnNames: ['outboxId', 'id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'interaction_record',
        columns: [
          id(),
          str('unitId', 64),
          { name: 'seq', type: 'bigint' },
          ms('occurredAt'),
          str('channel', 16),
          str('conversationId', 36),
          str('userKey', 64),
          str('language', 2),
          str('intent', 32),
          str('topic', 48, true),
          { name: 'confidence', type: 'double precision', isNullable: true },
          text('userText'),
          text('replyText', false),
          text('replyKeys', false),
          str('contentVersion', 16),
          str('planItems', 255),
          str('outcome', 12),
          str('satisfaction', 4, true),
          int('latencyMs'),
          int('inboxEventId', true),
          str('prevHash', 64),
          str('hash', 64),
        ],
        indices: [
          new TableIndex({ name: 'uq_interaction_seq', columnNames: ['unitId', 'seq'], isUnique: true }),
          new TableIndex({ name: 'ix_interaction_time', columnNames: ['unitId', 'occurredAt'] }),
          new TableIndex({ name: 'ix_interaction_conversation', columnNames: ['conversationId', 'seq'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'staff_request',
        columns: [
          id(),
          str('unitId', 64),
          str('conversationId', 36),
          str('kind', 16),
          str('status', 8, false, 'open'),
          text('contact'),
          ms('createdAt'),
          ms('closedAt', true),
          str('closedBy', 191, true),
          text('note'),
        ],
        indices: [new TableIndex({ name: 'ix_staff_request_open', columnNames: ['unitId', 'status', 'id'] })],
      }),
    );

    // The head of each unit's hash chain: locked while a record is appended (PostgreSQL), so
    // several instances extend one chain without forks.
    await q.createTable(
      new Table({
        name: 'interaction_chain',
        columns: [
          { name: 'unitId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'seq', type: 'bigint' },
          str('hash', 64),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'interaction_chain',
      'staff_request',
      'interaction_record',
      'outbox_attempt',
      'outbox_message',
      'inbox_event',
      'conversation',
    ]) {
      await q.dropTable(table);
    }
  }
}
