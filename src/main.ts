import 'reflect-metadata';
import { boundHeapGrowth } from './common/heap-growth';
import { existsSync } from 'node:fs';
import { ConfigurationError, errorMessage } from './common/errors';
import { JsonLogger } from './common/json-logger';
import { fromRoot } from './common/project-root';
import { AppConfig } from './config/app-config';
import { validateEnv } from './config/env.schema';
import { loadUnitsFile } from './units/units.loader';
import { resolveChannelAccounts } from './channels/channel-accounts';

async function bootstrap(): Promise<void> {
  boundHeapGrowth();
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const env = validateEnv(process.env);
  // Pre-flight: what an operator can get wrong is reported as one line before anything starts.
  const config = new AppConfig(env, process.env);
  const catalog = loadUnitsFile(config.unitsFile);
  resolveChannelAccounts((name) => config.secret(name), catalog.units, catalog.defaultUnitId);
  config.serverSecret('USER_KEY_SECRET');
  config.serverSecret('SESSION_SECRET');
  const logger = new JsonLogger(env.LOG_LEVEL);
  // Loaded after validation so that a bad variable is one clear line, not a stack trace.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { AppModule } = require('./app.module') as typeof import('./app.module');
  const { createApp } = require('./app.factory') as typeof import('./app.factory');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await createApp(AppModule, { logger });
  await app.listen(env.PORT, env.HOST);
  logger.log(
    { msg: 'outreach bot listening', url: `http://localhost:${env.PORT}`, docs: '/api/docs' },
    'Main',
  );

  // Graceful stop: close intake, finish accepted turns, close the database, exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'shutting down', signal }, 'Main');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ msg: 'shutdown failed', error: errorMessage(error) }, 'Main');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
  } else {
    console.error(`start failed: ${errorMessage(error)}`);
  }
  process.exit(1);
});
