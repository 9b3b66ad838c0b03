import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigurationError, errorMessage } from './common/errors';
import { JsonLogger } from './common/json-logger';
import { fromRoot } from './common/project-root';
import { validateEnv } from './config/env.schema';

async function bootstrap(): Promise<void> {
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const env = validateEnv(process.env);
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
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
  } else {
    console.error(`start failed: ${errorMessage(error)}`);
  }
  process.exit(1);
});
