import { parentPort, workerData } from 'node:worker_threads';
import { trainModel, type TrainingInput } from './model-training';

// Entry of the training worker thread: one retrain per worker, the result posted back once.
parentPort?.postMessage(trainModel(workerData as TrainingInput));
