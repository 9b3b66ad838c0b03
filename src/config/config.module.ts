import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { fromRoot } from '../common/project-root';
import { AppConfig } from './app-config';
import { validateEnv } from './env.schema';

/** The one global module: validated configuration for everyone. */
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
  ],
  exports: [AppConfig],
})
export class ConfigModule {}
