import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Leases that survive a dead instance: the outbox row names the worker that holds it (so a worker
 * whose lease was taken over cannot record a result), carries its turn's correlation id for the
 * delivery logs, and at most one interaction record may answer an inbox event (the last defence
 * against a second answer; NULLs stay distinct on both SQLite and PostgreSQL).
 */
export class QueueLeases1764300000000 implements MigrationInterface {
  name = 'QueueLeases1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'outbox_message',
      new TableColumn({ name: 'lockedBy', type: 'varchar', length: '64', isNullable: true }),
    );
    await q.addColumn(
      'outbox_message',
      new TableColumn({ name: 'correlationId', type: 'varchar', length: '36', isNullable: true }),
    );
    await q.createIndex(
      'interaction_record',
      new TableIndex({ name: 'uq_interaction_inbox_event', columnNames: ['inboxEventId'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('interaction_record', 'uq_interaction_inbox_event');
    await q.dropColumn('outbox_message', 'correlationId');
    await q.dropColumn('outbox_message', 'lockedBy');
  }
}
