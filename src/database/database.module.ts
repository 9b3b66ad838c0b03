import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { DatabaseNotifier } from './database-notifier';
import { DatabaseService } from './database.service';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.database.type === 'sqlite' && config.database.path !== ':memory:') {
          mkdirSync(dirname(config.database.path), { recursive: true });
        }
        return {
          ...dataSourceOptions(config.database, []),
          autoLoadEntities: true,
          retryAttempts: 2,
          retryDelay: 1000,
        };
      },
    }),
  ],
  providers: [DatabaseService, DatabaseNotifier],
  exports: [DatabaseService, DatabaseNotifier],
})
export class DatabaseModule {}
