import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { Clock, SystemClock } from '../common/clock';
import { fromRoot } from '../common/project-root';
import { AppConfig } from './app-config';
import { validateEnv } from './env.schema';

/** The one global module: validated configuration and the clock, for everyone. */
@Global()
@Module({
  imports: [
    NestConfigModule.forRoot({
      envFilePath: [fromRoot('.env')],
      validate: validateEnv,
      cache: true,
    }),
  ],
  providers: [
    {
      provide: AppConfig,
      useFactory: () => new AppConfig(validateEnv(process.env), process.env),
    },
    // The clock is part of the runtime environment; tests replace it with a FixedClock.
    { provide: Clock, useClass: SystemClock },
  ],
  exports: [AppConfig, Clock],
})
export class ConfigModule {}
