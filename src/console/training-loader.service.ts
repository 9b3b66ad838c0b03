import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { errorMessage } from '../common/errors';
import { NluService } from '../nlu/nlu.service';
import { ConsoleRepository } from './console.repository';

/** Re-applies the examples staff added in the console on top of the shipped ones, once at start. */
@Injectable()
export class TrainingLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(TrainingLoader.name);

  constructor(
    private readonly repository: ConsoleRepository,
    private readonly nlu: NluService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.repository.trainingExamples();
    if (!rows.length) return;
    const known = new Set(this.nlu.intents());
    // An intent or topic removed since would stop the start: skip it, say so.
    const usable = rows.filter((r) => known.has(r.intent) && this.nlu.topics(r.intent).includes(r.topic));
    if (usable.length < rows.length)
      this.logger.warn({
        msg: 'console training examples of unknown intents skipped',
        count: rows.length - usable.length,
      });
    try {
      await this.nlu.addExamples(usable.map(({ intent, topic, text }) => ({ intent, topic, text })));
      this.logger.log({ msg: 'console training examples applied', count: usable.length });
    } catch (error) {
      this.logger.error({ msg: 'console training examples not applied', error: errorMessage(error) });
    }
  }
}
