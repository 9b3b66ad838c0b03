import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Complaints1763900000000 implements MigrationInterface {
  name = 'Complaints1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'complaint_ticket',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'code', type: 'varchar', length: '20' },
          { name: 'unitId', type: 'varchar', length: '64' },
          { name: 'conversationId', type: 'varchar', length: '36' },
          { name: 'channel', type: 'varchar', length: '16' },
          { name: 'language', type: 'varchar', length: '2' },
          { name: 'status', type: 'varchar', length: '12', default: "'received'" },
          { name: 'description', type: 'text' },
          { name: 'location', type: 'text', isNullable: true },
          { name: 'occurredWhen', type: 'text', isNullable: true },
          { name: 'contact', type: 'text', isNullable: true },
          { name: 'contactConsent', type: 'boolean', default: false },
          { name: 'response', type: 'text', isNullable: true },
          { name: 'createdAt', type: 'bigint' },
          { name: 'updatedAt', type: 'bigint' },
          { name: 'handledAt', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_ticket_code', columnNames: ['code'], isUnique: true }),
          new TableIndex({ name: 'ix_ticket_unit', columnNames: ['unitId', 'status', 'id'] }),
          new TableIndex({ name: 'ix_ticket_created', columnNames: ['unitId', 'createdAt'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ticket_event',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'ticketId', type: 'integer' },
          { name: 'at', type: 'bigint' },
          { name: 'actor', type: 'varchar', length: '191' },
          { name: 'kind', type: 'varchar', length: '12' },
          { name: 'fromStatus', type: 'varchar', length: '12', isNullable: true },
          { name: 'toStatus', type: 'varchar', length: '12', isNullable: true },
          { name: 'note', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_ticket_event', columnNames: ['ticketId', 'id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ticket_event');
    await q.dropTable('complaint_ticket');
  }
}
