import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial indexes over the open rows of the two queues only. A claim walks them in id order and
 * stops once it has enough, however many processed rows the tables hold and however long the
 * backlog is; without them every claim sorted all open rows (a millisecond per claim at a few
 * thousand, measured under bench:load). Both engines support the WHERE clause.
 */
export class OpenQueueIndexes1764500000000 implements MigrationInterface {
  name = 'OpenQueueIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "ix_inbox_open" ON "inbox_event" ("id") WHERE "status" IN ('pending', 'processing')`,
    );
    await q.query(
      `CREATE INDEX "ix_outbox_open" ON "outbox_message" ("channel", "id") WHERE "status" IN ('pending', 'sending')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_outbox_open"`);
    await q.query(`DROP INDEX "ix_inbox_open"`);
  }
}
