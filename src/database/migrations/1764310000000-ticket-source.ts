import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The turn that created a complaint ticket (an opaque key, one per inbound event): a retried or
 * re-run turn finds its ticket instead of filing a second one. NULL for tickets made before this
 * and outside a turn; both engines let a unique index hold many NULLs.
 */
export class TicketSource1764310000000 implements MigrationInterface {
  name = 'TicketSource1764310000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain SQL on purpose: TypeORM's addColumn rebuilds the whole table on SQLite.
    await q.query('ALTER TABLE "complaint_ticket" ADD COLUMN "sourceKey" varchar(64)');
    await q.query('CREATE UNIQUE INDEX "uq_ticket_source" ON "complaint_ticket" ("sourceKey")');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "uq_ticket_source"');
    await q.query('ALTER TABLE "complaint_ticket" DROP COLUMN "sourceKey"');
  }
}
