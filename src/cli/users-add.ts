import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import { errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import { AppConfig } from '../config/app-config';
import { validateEnv } from '../config/env.schema';
import { loadUnitsFile } from '../units/units.loader';
import { hashPassword } from '../console/console-auth.service';
import {
  ALL_UNITS,
  CONSOLE_ROLES,
  ConsoleUserEntity,
  type ConsoleRole,
} from '../console/console-user.entity';
import { dataSourceOptions } from '../database/data-source';

const USAGE =
  'usage: npm run -s users:add -- --unit UNIT_ID|all --role admin|staff|viewer --email E  (password prompted, or one line on stdin)';
export const MIN_PASSWORD = 12;

export interface UserArgs {
  unit: string;
  role: ConsoleRole;
  email: string;
}

export function parseArgs(argv: string[], unitIds: string[]): UserArgs {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const unit = get('unit');
  const role = get('role');
  const email = get('email')?.trim().toLowerCase();
  if (!unit || !role || !email) throw new Error(USAGE);
  if (unit !== ALL_UNITS && !unitIds.includes(unit))
    throw new Error(`unknown unit "${unit}" (known: ${unitIds.join(', ')}, or all)`);
  if (!(CONSOLE_ROLES as string[]).includes(role)) throw new Error(`role must be admin, staff or viewer`);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 191) throw new Error('email is not valid');
  return { unit, role: role as ConsoleRole, email };
}

/** From a terminal: asked twice without echo. From a pipe: the first line. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += String(chunk);
    return data.split(/\r?\n/)[0] ?? '';
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      const writer = rl as unknown as { _writeToOutput: (s: string) => void };
      process.stdout.write(prompt);
      writer._writeToOutput = () => undefined;
      rl.question('', (answer) => {
        rl.close();
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Password: ');
  const second = await ask('Repeat password: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

async function main(): Promise<void> {
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = new AppConfig(validateEnv(process.env), process.env);
  const catalog = loadUnitsFile(config.unitsFile);
  const args = parseArgs(
    process.argv.slice(2),
    catalog.units.map((u) => u.id),
  );
  const password = await readPassword();
  if (password.length < MIN_PASSWORD)
    throw new Error(`the password must have at least ${MIN_PASSWORD} characters`);
  const dataSource = new DataSource(dataSourceOptions(config.database, [ConsoleUserEntity]));
  await dataSource.initialize();
  try {
    if (config.database.type === 'postgres' && config.database.schema)
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${config.database.schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
    const repo = dataSource.getRepository(ConsoleUserEntity);
    const existing = await repo.findOne({ where: { email: args.email } });
    const now = new Date();
    const passwordHash = await hashPassword(password);
    if (existing) {
      await repo.update(
        { id: existing.id },
        { unitId: args.unit, role: args.role, passwordHash, active: true, updatedAt: now },
      );
      console.log(`updated ${args.email}: ${args.role} of ${args.unit}`);
    } else {
      await repo.insert({
        email: args.email,
        unitId: args.unit,
        role: args.role,
        passwordHash,
        active: true,
        createdAt: now,
        updatedAt: now,
      });
      console.log(`added ${args.email}: ${args.role} of ${args.unit}`);
    }
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(errorMessage(error));
    process.exit(1);
  });
}
