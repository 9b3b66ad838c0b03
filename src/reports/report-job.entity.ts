import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMs } from '../database/columns';
import type { ChainReport } from '../interactions/chain-verifier';

export type ReportJobStatus = 'queued' | 'running' | 'done' | 'failed';
/** Where a running job is: starting, reading records (then writing the files), checking chains, storing. */
export type ReportJobPhase = 'queued' | 'starting' | 'records' | 'verify' | 'store' | 'done' | 'failed';

export interface ReportJobFile {
  name: string;
  bytes: number;
  sha256: string;
  chunks: number;
}

const json = {
  to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
};

/** One export asked for in the console: run off the request by whichever instance claims it. */
@Entity('report_job')
export class ReportJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 64 })
  period: string;

  @Column({ type: 'varchar', length: 2 })
  language: 'vi' | 'en';

  @Column({ type: 'varchar', length: 191 })
  requestedBy: string;

  @Column({ type: 'integer', nullable: true })
  requestedById: number | null;

  @Column({ type: 'varchar', length: 8 })
  status: ReportJobStatus;

  @Column({ type: 'varchar', length: 16 })
  phase: ReportJobPhase;

  @Column({ type: 'bigint', transformer: bigintNumber })
  processed: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  owner: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil: Date | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  startedAt: Date | null;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt: Date | null;

  @Column({ type: 'text', nullable: true, transformer: json })
  files: ReportJobFile[] | null;

  @Column({ type: 'text', nullable: true, transformer: json })
  verification: ChainReport[] | null;
}
