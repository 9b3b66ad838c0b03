import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NluService } from '../nlu/nlu.service';
import type { AuditAction, ConsoleAuditEntity } from './console-audit.entity';
import type { ConsoleUserEntity } from './console-user.entity';
import { ConsoleRepository } from './console.repository';

/** The console's audit trail. Free text is redacted first: staff notes may carry citizens' numbers. */
@Injectable()
export class ConsoleAuditService {
  constructor(
    private readonly repository: ConsoleRepository,
    private readonly nlu: NluService,
    private readonly clock: Clock,
  ) {}

  async record(
    who: Pick<ConsoleUserEntity, 'id' | 'email'> | { id: null; email: string },
    action: AuditAction,
    unitId: string | null,
    target: string | null = null,
    detail: string | null = null,
  ): Promise<void> {
    await this.repository.audit({
      at: this.clock.now(),
      userId: who.id,
      email: who.email.slice(0, 191),
      unitId,
      action,
      target: target?.slice(0, 191) ?? null,
      detail: detail ? this.nlu.redact(detail).slice(0, 2000) : null,
    });
  }

  page(unitIds: string[] | null, beforeId: number | null, limit = 100): Promise<ConsoleAuditEntity[]> {
    return this.repository.auditPage(unitIds, beforeId, limit);
  }
}
