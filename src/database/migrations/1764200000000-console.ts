import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The dimensions counted per day; outcome also gives the day's total. */
const STAT_DIMENSIONS: Record<string, (row: string) => string> = {
  outcome: (r) => `${r}."outcome"`,
  intent: (r) => `${r}."intent"`,
  channel: (r) => `${r}."channel"`,
  language: (r) => `${r}."language"`,
  satisfaction: (r) => `COALESCE(${r}."satisfaction", '')`,
  planItems: (r) => `${r}."planItems"`,
};
// Local (UTC+7) day number of an instant in epoch ms; integer division on both engines.
const DAY_OF = (column: string) => `((${column} + 25200000) / 86400000)`;

/**
 * The staff console: accounts, sessions (token hashes only), login attempts, audit, training
 * examples added by staff. And a daily roll-up of the interaction log, kept by an INSERT trigger,
 * so that dashboards over millions of records read thousands of rows (the log itself is untouched).
 */
export class Console1764200000000 implements MigrationInterface {
  name = 'Console1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    await q.createTable(
      new Table({
        name: 'console_user',
        columns: [
          id,
          { name: 'email', type: 'varchar', length: '191' },
          { name: 'unitId', type: 'varchar', length: '64' },
          { name: 'role', type: 'varchar', length: '8' },
          { name: 'passwordHash', type: 'varchar', length: '100' },
          { name: 'active', type: 'boolean', default: true },
          { name: 'createdAt', type: 'bigint' },
          { name: 'updatedAt', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'uq_console_user_email', columnNames: ['email'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'console_session',
        columns: [
          { name: 'tokenHash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'userId', type: 'integer' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'lastSeenAt', type: 'bigint' },
          { name: 'expiresAt', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'ix_console_session_user', columnNames: ['userId'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'console_login_attempt',
        columns: [
          id,
          { name: 'key', type: 'varchar', length: '200' },
          { name: 'at', type: 'bigint' },
          { name: 'success', type: 'boolean' },
        ],
        indices: [new TableIndex({ name: 'ix_console_login_key', columnNames: ['key', 'at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'console_audit',
        columns: [
          id,
          { name: 'at', type: 'bigint' },
          { name: 'userId', type: 'integer', isNullable: true },
          { name: 'email', type: 'varchar', length: '191' },
          { name: 'unitId', type: 'varchar', length: '64', isNullable: true },
          { name: 'action', type: 'varchar', length: '32' },
          { name: 'target', type: 'varchar', length: '191', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_console_audit_unit', columnNames: ['unitId', 'id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'console_training_example',
        columns: [
          id,
          { name: 'intent', type: 'varchar', length: '32' },
          { name: 'topic', type: 'varchar', length: '48' },
          { name: 'text', type: 'text' },
          { name: 'unitId', type: 'varchar', length: '64' },
          { name: 'createdBy', type: 'varchar', length: '191' },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'interaction_daily_stat',
        columns: [
          { name: 'unitId', type: 'varchar', length: '64' },
          { name: 'day', type: 'integer' },
          { name: 'dimension', type: 'varchar', length: '16' },
          { name: 'value', type: 'varchar', length: '255' },
          { name: 'count', type: 'integer' },
        ],
        indices: [
          new TableIndex({
            name: 'uq_interaction_daily_stat',
            columnNames: ['dimension', 'unitId', 'day', 'value'],
            isUnique: true,
          }),
        ],
      }),
    );
    // One counter per (unit, local day, dimension, value): a few dozen rows per unit and day,
    // whatever the number of records.
    const upsert = (
      dimension: string,
      value: string,
    ) => `INSERT INTO interaction_daily_stat ("unitId", "day", "dimension", "value", "count")
      VALUES (NEW."unitId", ${DAY_OF('NEW."occurredAt"')}, '${dimension}', ${value}, 1)
      ON CONFLICT ("dimension", "unitId", "day", "value") DO UPDATE SET "count" = interaction_daily_stat."count" + 1`;
    const statements = Object.entries(STAT_DIMENSIONS)
      .map(([dimension, value]) => upsert(dimension, value('NEW')))
      .join(';\n');
    if (q.connection.options.type === 'postgres') {
      await q.query(`CREATE OR REPLACE FUNCTION interaction_daily_stat_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN ${statements}; RETURN NEW; END $$`);
      await q.query(
        'CREATE TRIGGER interaction_daily_stat_add AFTER INSERT ON interaction_record FOR EACH ROW EXECUTE FUNCTION interaction_daily_stat_add()',
      );
    } else {
      await q.query(
        `CREATE TRIGGER interaction_daily_stat_add AFTER INSERT ON interaction_record BEGIN ${statements}; END`,
      );
    }
    for (const [dimension, value] of Object.entries(STAT_DIMENSIONS)) {
      await q.query(`INSERT INTO interaction_daily_stat ("unitId", "day", "dimension", "value", "count")
        SELECT r."unitId", ${DAY_OF('r."occurredAt"')}, '${dimension}', ${value('r')}, COUNT(*) FROM interaction_record r
        GROUP BY r."unitId", ${DAY_OF('r."occurredAt"')}, ${value('r')}`);
    }

    // The console lists turns newest first within filters; these keep a page to an index walk.
    await q.createIndex(
      'interaction_record',
      new TableIndex({ name: 'ix_interaction_unit_id', columnNames: ['unitId', 'id'] }),
    );
    await q.createIndex(
      'interaction_record',
      new TableIndex({ name: 'ix_interaction_outcome', columnNames: ['unitId', 'outcome', 'id'] }),
    );
    await q.createIndex(
      'interaction_record',
      new TableIndex({ name: 'ix_interaction_intent', columnNames: ['unitId', 'intent', 'id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['ix_interaction_intent', 'ix_interaction_outcome', 'ix_interaction_unit_id'])
      await q.dropIndex('interaction_record', index);
    if (q.connection.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS interaction_daily_stat_add ON interaction_record');
      await q.query('DROP FUNCTION IF EXISTS interaction_daily_stat_add()');
    } else {
      await q.query('DROP TRIGGER IF EXISTS interaction_daily_stat_add');
    }
    for (const table of [
      'interaction_daily_stat',
      'console_training_example',
      'console_audit',
      'console_login_attempt',
      'console_session',
      'console_user',
    ])
      await q.dropTable(table);
  }
}
