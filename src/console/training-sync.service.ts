import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { errorMessage } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { NluService } from '../nlu/nlu.service';
import { ConsoleRepository } from './console.repository';

/**
 * Keeps this instance's classifier on the examples staff added in the console (any instance, one
 * database): at start, then whenever the training version in the database moves. The check is one
 * small SELECT every TRAINING_SYNC_MS; the retrain itself runs in a worker thread (NluService).
 */
@Injectable()
export class TrainingSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TrainingSync.name);
  private timer?: NodeJS.Timeout;
  /** The version whose examples were last handed to the classifier (applied or being trained). */
  private requested: number | null = null;
  private running?: Promise<void>;
  private again = false;
  private retraining?: Promise<void>;

  constructor(
    private readonly repository: ConsoleRepository,
    private readonly nlu: NluService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The first sync is awaited: an instance starts answering with the console's examples in.
    await this.sync();
    await this.retraining;
    this.timer = setInterval(() => void this.sync(), this.config.env.TRAINING_SYNC_MS);
    this.timer.unref();
  }

  // Before the database closes (application shutdown): no check runs against a closed connection.
  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The training version of the model this instance answers with (null: before the first sync). */
  appliedVersion(): number | null {
    return this.nlu.revision();
  }

  /** Whether this instance answers with the examples of the last version it read. */
  isCurrent(): boolean {
    return this.nlu.revision() === this.requested;
  }

  /**
   * Checks the version and retrains when it moved. Calls during a sync run it once more afterwards,
   * so that a change made here (add, remove) is never left for the next tick.
   */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    let version: number;
    try {
      version = await this.repository.trainingVersion();
    } catch (error) {
      this.logger.warn({ msg: 'training version not read', error: errorMessage(error) });
      return;
    }
    if (version === this.requested) return;
    this.requested = version;
    try {
      // Read after the version: an example committed in between only costs one more retrain.
      const rows = await this.repository.trainingExamples();
      // An intent or topic removed from the code since would stop the retrain: skip it, say so.
      const usable = rows.filter(
        (r) => this.nlu.intents().includes(r.intent) && this.nlu.topics(r.intent).includes(r.topic),
      );
      if (usable.length < rows.length)
        this.logger.warn({
          msg: 'console training examples of unknown intents skipped',
          count: rows.length - usable.length,
        });
      // Not awaited: a retrain takes seconds, and the timer must not queue behind it (the
      // classifier coalesces retrains itself).
      this.retraining = this.nlu
        .retrain(
          usable.map(({ intent, topic, text }) => ({ intent, topic, text })),
          version,
        )
        .then(
          () => {
            if (this.nlu.revision() === version)
              this.logger.log({ msg: 'console training examples applied', version, count: usable.length });
          },
          (error) => this.failed(version, error),
        );
    } catch (error) {
      this.failed(version, error);
    }
  }

  private failed(version: number, error: unknown): void {
    this.logger.error({ msg: 'console training examples not applied', version, error: errorMessage(error) });
    // Tried again at the next tick.
    if (this.requested === version) this.requested = null;
  }
}
