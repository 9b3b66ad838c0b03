import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Unit details edited in the console: every saved version, who saved it and when; the newest is used. */
export class UnitDetails1764620000000 implements MigrationInterface {
  name = 'UnitDetails1764620000000';

  async up(q: QueryRunner): Promise<void> {
    const id =
      q.connection.options.type === 'postgres'
        ? '"id" SERIAL PRIMARY KEY'
        : '"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL';
    await q.query(`CREATE TABLE "unit_details_version" (
      ${id},
      "unitId" varchar(64) NOT NULL,
      "version" integer NOT NULL,
      "entry" text NOT NULL,
      "hash" varchar(64) NOT NULL,
      "createdBy" varchar(191) NOT NULL,
      "createdAt" bigint NOT NULL,
      "changes" text NOT NULL
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_unit_details_version" ON "unit_details_version" ("unitId", "version")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "unit_details_version"');
  }
}
