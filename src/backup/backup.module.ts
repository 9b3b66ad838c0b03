import { Module } from '@nestjs/common';
import { DailyBackupService } from './daily-backup.service';

/** Owns the daily backup of the SQLite database (BACKUP_DIR, BACKUP_HOUR, BACKUP_KEEP). */
@Module({ providers: [DailyBackupService] })
export class BackupModule {}
