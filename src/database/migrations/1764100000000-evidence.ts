import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const UPDATE_MESSAGE = 'interaction_record is append-only: records are never updated';
const DELETE_MESSAGE = 'interaction records are removed only by the retention of a closed, exported period';

/**
 * The evidence log defends itself: the database refuses any UPDATE of an interaction record, and any
 * DELETE beyond what a retention anchor covers. (Someone with full database access can still drop
 * the triggers; the hash chain is what then shows the tampering.)
 */
export class Evidence1764100000000 implements MigrationInterface {
  name = 'Evidence1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'interaction_retention',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'unitId', type: 'varchar', length: '64' },
          { name: 'periodLabel', type: 'varchar', length: '40' },
          { name: 'throughSeq', type: 'bigint' },
          { name: 'lastHash', type: 'varchar', length: '64' },
          { name: 'removedCount', type: 'integer' },
          { name: 'manifestSha256', type: 'varchar', length: '64' },
          { name: 'removedAt', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'ix_retention_unit', columnNames: ['unitId', 'throughSeq'] })],
      }),
    );
    if (q.connection.options.type === 'postgres') {
      await q.query(`CREATE OR REPLACE FUNCTION interaction_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '${UPDATE_MESSAGE}'; END IF;
          IF OLD."seq" > COALESCE((SELECT MAX("throughSeq") FROM interaction_retention WHERE "unitId" = OLD."unitId"), 0) THEN
            RAISE EXCEPTION '${DELETE_MESSAGE}';
          END IF;
          RETURN OLD;
        END $$`);
      await q.query(
        'CREATE TRIGGER interaction_record_guard BEFORE UPDATE OR DELETE ON interaction_record FOR EACH ROW EXECUTE FUNCTION interaction_record_guard()',
      );
    } else {
      await q.query(
        `CREATE TRIGGER interaction_record_no_update BEFORE UPDATE ON interaction_record BEGIN SELECT RAISE(ABORT, '${UPDATE_MESSAGE}'); END`,
      );
      await q.query(`CREATE TRIGGER interaction_record_retention_only BEFORE DELETE ON interaction_record
        WHEN OLD."seq" > COALESCE((SELECT MAX("throughSeq") FROM interaction_retention WHERE "unitId" = OLD."unitId"), 0)
        BEGIN SELECT RAISE(ABORT, '${DELETE_MESSAGE}'); END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS interaction_record_guard ON interaction_record');
      await q.query('DROP FUNCTION IF EXISTS interaction_record_guard()');
    } else {
      await q.query('DROP TRIGGER IF EXISTS interaction_record_no_update');
      await q.query('DROP TRIGGER IF EXISTS interaction_record_retention_only');
    }
    await q.dropTable('interaction_retention');
  }
}
