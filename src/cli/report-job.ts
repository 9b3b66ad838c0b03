import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { fromRoot } from '../common/project-root';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { JobLostError, ReportJobExecutor } from '../reports/report-job.executor';
import { ReportJobStoreModule } from '../reports/report-job-store.module';
import { ReportsModule } from '../reports/reports.module';
import { UnitDetailsModule } from '../unit-details/unit-details.module';
import { UnitsModule } from '../units/units.module';
import { parseArgs, runCli, UsageError } from './cli-support';

const USAGE = 'usage: node dist/src/cli/report-job.js --job ID --owner OWNER (started by the app)';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    UnitDetailsModule,
    InteractionsModule,
    ReportsModule,
    UnitsModule,
    ReportJobStoreModule,
  ],
  providers: [ReportJobExecutor],
})
class ReportJobModule {}

/**
 * The report process: runs one console report job claimed by the app (src/reports/report-job.runner.ts)
 * with its own database connection, so the app's event loop stays free.
 */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['job', 'owner'], USAGE);
  const jobId = args.get('job');
  const owner = args.get('owner');
  if (!jobId || !owner || jobId === 'true' || owner === 'true') throw new UsageError(USAGE);
  // The app that started us is gone (its IPC channel closed): stop; the lease lets another take over.
  process.on('disconnect', () => process.exit(3));
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const app = await NestFactory.createApplicationContext(ReportJobModule, { logger: ['error'] });
  try {
    await app.get(ReportJobExecutor).run(jobId, owner);
    return 0;
  } catch (error) {
    if (error instanceof JobLostError) return 4;
    throw error;
  } finally {
    await app.close();
  }
}

if (require.main === module) runCli('report-job', main);
