import type { MigrationInterface, QueryRunner } from 'typeorm';

// The roll-up of 1764200000000-console, copied: a shipped migration is never edited or imported.
const STAT_DIMENSIONS: Record<string, (row: string) => string> = {
  outcome: (r) => `${r}."outcome"`,
  intent: (r) => `${r}."intent"`,
  channel: (r) => `${r}."channel"`,
  language: (r) => `${r}."language"`,
  satisfaction: (r) => `COALESCE(${r}."satisfaction", '')`,
  planItems: (r) => `${r}."planItems"`,
};
const DAY_OF = (column: string) => `((${column} + 25200000) / 86400000)`;
const STATEMENTS = Object.entries(STAT_DIMENSIONS)
  .map(
    ([
      dimension,
      value,
    ]) => `INSERT INTO interaction_daily_stat ("unitId", "day", "dimension", "value", "count")
      VALUES (NEW."unitId", ${DAY_OF('NEW."occurredAt"')}, '${dimension}', ${value('NEW')}, 1)
      ON CONFLICT ("dimension", "unitId", "day", "value") DO UPDATE SET "count" = interaction_daily_stat."count" + 1`,
  )
  .join(';\n');

/**
 * Web chat playground turns: each interaction record states its audience (public | playground) as a
 * chained field; older records keep NULL (public). The dashboard's daily roll-up no longer counts
 * playground turns. No record existed as playground before this migration, so the roll-up holds.
 */
export class WebChatAudience1764320000000 implements MigrationInterface {
  name = 'WebChatAudience1764320000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER on both engines: TypeORM's addColumn rebuilds a SQLite table and would drop its triggers.
    await q.query(`ALTER TABLE "interaction_record" ADD COLUMN "audience" varchar(16) NULL`);
    await this.rollUp(q, true);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.rollUp(q, false);
    await q.query(`ALTER TABLE "interaction_record" DROP COLUMN "audience"`);
  }

  private async rollUp(q: QueryRunner, skipPlayground: boolean): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      const skip = skipPlayground ? `IF NEW."audience" = 'playground' THEN RETURN NEW; END IF;` : '';
      await q.query(`CREATE OR REPLACE FUNCTION interaction_daily_stat_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN ${skip} ${STATEMENTS}; RETURN NEW; END $$`);
    } else {
      const when = skipPlayground ? `WHEN NEW."audience" IS NULL OR NEW."audience" <> 'playground'` : '';
      await q.query('DROP TRIGGER IF EXISTS interaction_daily_stat_add');
      await q.query(
        `CREATE TRIGGER interaction_daily_stat_add AFTER INSERT ON interaction_record ${when} BEGIN ${STATEMENTS}; END`,
      );
    }
  }
}
