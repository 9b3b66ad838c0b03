import { Injectable } from '@nestjs/common';
import { InteractionsService } from '../interactions/interactions.service';
import type { Language } from '../messaging/language';
import { ReportsService } from '../reports/reports.service';

export interface ConsoleReportRequest {
  unitId: string;
  period: string;
  language: Language;
  outDir: string;
}

export interface ConsoleReportResult {
  files: { name: string; sha256: string }[];
  manifestPath: string;
}

export type { ChainReport } from '../interactions/chain-verifier';
import type { ChainReport } from '../interactions/chain-verifier';

/** What the reports page needs from the reports and the evidence log (a seam for the page's tests). */
export abstract class ConsoleReports {
  abstract generate(request: ConsoleReportRequest): Promise<ConsoleReportResult>;
  abstract verify(unitId: string): Promise<ChainReport>;
}

/** The real thing: the period reports of src/reports and the chain check of the evidence log. */
@Injectable()
export class EvidenceConsoleReports extends ConsoleReports {
  constructor(
    private readonly reports: ReportsService,
    private readonly interactions: InteractionsService,
  ) {
    super();
  }

  async generate(request: ConsoleReportRequest): Promise<ConsoleReportResult> {
    const result = await this.reports.generate(request);
    return {
      files: [
        ...result.files.map((f) => ({ name: f.name, sha256: f.sha256 })),
        { name: 'manifest.json', sha256: result.manifestSha256 },
      ],
      manifestPath: result.manifestPath,
    };
  }

  verify(unitId: string): Promise<ChainReport> {
    return this.interactions.verify(unitId);
  }
}
