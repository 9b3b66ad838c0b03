import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Channels1764000000000 implements MigrationInterface {
  name = 'Channels1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // A long reply goes out in several platform messages; a retry resumes after the last one sent.
    await q.addColumn('outbox_message', new TableColumn({ name: 'partsSent', type: 'integer', default: 0 }));
    // The OA's rotating token pair (sealed), refreshed by one process at a time.
    await q.createTable(
      new Table({
        name: 'zalo_token',
        columns: [
          { name: 'oaId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'accessToken', type: 'text' },
          { name: 'refreshToken', type: 'text' },
          { name: 'expiresAt', type: 'bigint' },
          { name: 'version', type: 'integer', default: 0 },
          { name: 'updatedAt', type: 'bigint' },
          { name: 'lastError', type: 'text', isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('zalo_token');
    await q.dropColumn('outbox_message', 'partsSent');
  }
}
