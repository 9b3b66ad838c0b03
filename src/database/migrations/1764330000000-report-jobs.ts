import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report exports as jobs: the job row (status, progress, lease) and the files it produced, kept in
 * the database in 1 MB chunks so that every instance behind a load balancer can serve a download.
 * A partial unique index allows one queued or running job per unit, whatever the instance.
 */
export class ReportJobs1764330000000 implements MigrationInterface {
  name = 'ReportJobs1764330000000';

  async up(q: QueryRunner): Promise<void> {
    const blob = q.connection.options.type === 'postgres' ? 'bytea' : 'blob';
    await q.query(`CREATE TABLE "report_job" (
      "id" varchar(36) PRIMARY KEY,
      "unitId" varchar(64) NOT NULL,
      "period" varchar(64) NOT NULL,
      "language" varchar(2) NOT NULL,
      "requestedBy" varchar(191) NOT NULL,
      "requestedById" integer,
      "status" varchar(8) NOT NULL,
      "phase" varchar(16) NOT NULL,
      "processed" bigint NOT NULL DEFAULT 0,
      "error" text,
      "attempts" integer NOT NULL DEFAULT 0,
      "owner" varchar(64),
      "leaseUntil" bigint,
      "createdAt" bigint NOT NULL,
      "startedAt" bigint,
      "updatedAt" bigint NOT NULL,
      "finishedAt" bigint,
      "files" text,
      "verification" text
    )`);
    await q.query(`CREATE INDEX "ix_report_job_unit" ON "report_job" ("unitId", "createdAt")`);
    await q.query(`CREATE INDEX "ix_report_job_status" ON "report_job" ("status", "createdAt")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_report_job_active_unit" ON "report_job" ("unitId") WHERE "status" IN ('queued', 'running')`,
    );
    await q.query(`CREATE TABLE "report_file_chunk" (
      "jobId" varchar(36) NOT NULL,
      "name" varchar(32) NOT NULL,
      "idx" integer NOT NULL,
      "bytes" ${blob} NOT NULL,
      PRIMARY KEY ("jobId", "name", "idx")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "report_file_chunk"');
    await q.query('DROP TABLE "report_job"');
  }
}
