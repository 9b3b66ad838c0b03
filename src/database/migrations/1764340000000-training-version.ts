import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One row counting changes to console_training_example: bumped in the transaction of every added or
 * removed example, polled by every instance, so that all of them retrain on the same examples.
 */
export class TrainingVersion1764340000000 implements MigrationInterface {
  name = 'TrainingVersion1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'console_training_version',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'version', type: 'integer' },
        ],
      }),
    );
    // Examples added before this migration count as version 1 (0 when there are none).
    const [{ n }] = (await q.query('SELECT COUNT(*) AS n FROM console_training_example')) as {
      n: string | number;
    }[];
    await q.query(
      `INSERT INTO console_training_version ("id", "version") VALUES (1, ${Number(n) > 0 ? 1 : 0})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('console_training_version');
  }
}
