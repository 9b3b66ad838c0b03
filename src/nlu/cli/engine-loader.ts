import { fromRoot } from '../../common/project-root';
import { NluEngine, type CalibrationRow } from '../nlu-engine';
import { cacheDir, CALIBRATION_FILE } from '../nlu.service';
import { loadExamples, loadJsonLines } from '../training-data';

/** The engine exactly as the app builds it (same examples, calibration and cache). */
export function loadEngine(): NluEngine {
  return NluEngine.loadOrTrain(
    loadExamples(),
    loadJsonLines<CalibrationRow>(fromRoot(CALIBRATION_FILE)),
    cacheDir(),
  );
}

/** What the bot acts on: a clarifying question or a refusal answers nothing, so it counts as fallback. */
export function actedIntent(u: { intent: string; decision: string; emergency: boolean }): string {
  return u.emergency ? 'emergency' : u.decision === 'answer' ? u.intent : 'fallback';
}
