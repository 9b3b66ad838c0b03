import type { SparseVector } from './featurizer';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAINING: TrainOptions = { epochs: 30, learningRate: 0.5, l2: 1e-5, seed: 7 };

/** Small deterministic PRNG (mulberry32): the same data always gives the same model. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multinomial logistic regression trained by SGD on sparse vectors. Only the rows of the features
 * present in an example are touched; L2 decay is applied lazily through a global scale, so an
 * epoch costs O(non-zeros × classes), about 0.1 s for 3,000 examples here.
 */
export class SoftmaxClassifier {
  private weights: Float32Array;
  private bias: Float32Array;
  private scale = 1;

  constructor(
    readonly labels: string[],
    readonly features: number,
  ) {
    this.weights = new Float32Array(labels.length * features);
    this.bias = new Float32Array(labels.length);
  }

  train(data: { x: SparseVector; y: number }[], options: TrainOptions = DEFAULT_TRAINING): void {
    const k = this.labels.length;
    const random = seededRandom(options.seed);
    const order = data.map((_, i) => i);
    const probs = new Float64Array(k);
    let step = 0;
    const total = options.epochs * data.length;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const index of order) {
        const { x, y } = data[index];
        const rate = options.learningRate * (1 - step / total) + 1e-3;
        step++;
        this.probabilities(x, probs);
        // Lazy L2: shrink every weight at once by scaling, then write gradients in that scale.
        this.scale *= 1 - rate * options.l2;
        if (this.scale < 1e-6) this.rescale();
        for (let c = 0; c < k; c++) {
          const gradient = probs[c] - (c === y ? 1 : 0);
          if (gradient === 0) continue;
          const g = (rate * gradient) / this.scale;
          const row = c * this.features;
          for (let f = 0; f < x.indices.length; f++) this.weights[row + x.indices[f]] -= g * x.values[f];
          this.bias[c] -= rate * gradient;
        }
      }
    }
    this.rescale();
  }

  probabilities(x: SparseVector, out: Float64Array = new Float64Array(this.labels.length)): Float64Array {
    const k = this.labels.length;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let z = 0;
      const row = c * this.features;
      for (let f = 0; f < x.indices.length; f++) z += this.weights[row + x.indices[f]] * x.values[f];
      z = z * this.scale + this.bias[c];
      out[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[c] = Math.exp(out[c] - max);
      sum += out[c];
    }
    for (let c = 0; c < k; c++) out[c] /= sum;
    return out;
  }

  private rescale(): void {
    if (this.scale === 1) return;
    for (let i = 0; i < this.weights.length; i++) this.weights[i] *= this.scale;
    this.scale = 1;
  }

  toJSON(): { labels: string[]; features: number; weights: string; bias: number[] } {
    this.rescale();
    return {
      labels: this.labels,
      features: this.features,
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString(
        'base64',
      ),
      bias: [...this.bias],
    };
  }

  static fromJSON(data: {
    labels: string[];
    features: number;
    weights: string;
    bias: number[];
  }): SoftmaxClassifier {
    const model = new SoftmaxClassifier(data.labels, data.features);
    const bytes = Buffer.from(data.weights, 'base64');
    model.weights = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    model.bias = Float32Array.from(data.bias);
    return model;
  }
}
