import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { ReportsModule } from '../reports/reports.module';
import { UnitDetailsModule } from '../unit-details/unit-details.module';
import { UnitsModule } from '../units/units.module';

/** What the evidence and report commands need: the database, the log, the reports. No NLU, no channels. */
@Module({
  imports: [ConfigModule, DatabaseModule, UnitDetailsModule, InteractionsModule, ReportsModule, UnitsModule],
})
export class EvidenceCliModule {}

export async function evidenceContext(): Promise<INestApplicationContext> {
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return NestFactory.createApplicationContext(EvidenceCliModule, { logger: ['error'] });
}

/** --name value options; a flag without a value is "true". Unknown options are an error. */
export function parseArgs(argv: string[], known: string[], usage: string): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected "${arg}"\n${usage}`);
    const name = arg.slice(2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}\n${usage}`);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      options.set(name, next);
      i++;
    } else {
      options.set(name, 'true');
    }
  }
  return options;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs a command: one clear line on failure, exit code 1 (2 for a usage error). */
export function runCli(name: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      process.stderr.write(`${name}: ${errorMessage(error)}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
