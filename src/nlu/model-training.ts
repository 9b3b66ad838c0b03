import { fromRoot } from '../common/project-root';
import { NluEngine, type CalibrationRow, type ModelSnapshot } from './nlu-engine';
import { loadExamples, loadJsonLines, type Example } from './training-data';

export const CALIBRATION_FILE = 'src/nlu/data/heldout/calibration.jsonl';

/** What a retrain needs besides the files of the repository: plain data, so that a worker can take it. */
export interface TrainingInput {
  added: Example[];
  cacheDir: string | null;
}

export interface TrainedModel {
  snapshot: ModelSnapshot;
  examples: number;
}

/** The shipped examples plus the added ones, trained (or taken from the cache). Pure CPU: run it off the event loop. */
export function trainModel(input: TrainingInput): TrainedModel {
  const examples = [...loadExamples(), ...input.added];
  const calibration = loadJsonLines<CalibrationRow>(fromRoot(CALIBRATION_FILE));
  return {
    snapshot: NluEngine.snapshotFor(examples, calibration, input.cacheDir),
    examples: examples.length,
  };
}
