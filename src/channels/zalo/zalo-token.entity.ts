import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../../database/columns';

/** An OA's current token pair, sealed. The refresh token is single-use: whoever refreshes writes the new pair. */
@Entity('zalo_token')
export class ZaloTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  oaId: string;

  @Column({ type: 'text' })
  accessToken: string;

  @Column({ type: 'text' })
  refreshToken: string;

  @Column({ type: 'bigint', transformer: epochMs })
  expiresAt: Date;

  @Column({ type: 'integer', default: 0 })
  version: number;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;

  /** The last refresh failure (Zalo's error name and description; never a token). */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;
}
