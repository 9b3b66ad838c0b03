import type { Normalized } from './normalizer';

/** A sparse vector: feature indices and their values (same length). */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface FeaturizerOptions {
  /** Weight of each view in the concatenation. */
  wordWeight: number;
  strippedWeight: number;
  charWeight: number;
  charMin: number;
  charMax: number;
}

export const DEFAULT_FEATURES: FeaturizerOptions = {
  wordWeight: 1,
  strippedWeight: 1,
  charWeight: 1,
  charMin: 2,
  charMax: 5,
};

/** The raw n-grams of the three views, prefixed by view so that they never collide. */
function extractTerms(n: Normalized, options: FeaturizerOptions = DEFAULT_FEATURES): string[][] {
  const words: string[] = [];
  const stripped: string[] = [];
  for (let i = 0; i < n.tokens.length; i++) {
    words.push('w:' + n.tokens[i]);
    stripped.push('s:' + n.stripped[i]);
    if (i + 1 < n.tokens.length) {
      words.push('w:' + n.tokens[i] + ' ' + n.tokens[i + 1]);
      stripped.push('s:' + n.stripped[i] + ' ' + n.stripped[i + 1]);
    }
  }
  const chars: string[] = [];
  for (const token of n.stripped) {
    if (token.startsWith('_')) continue;
    const padded = ` ${token} `;
    for (let size = options.charMin; size <= options.charMax; size++) {
      for (let i = 0; i + size <= padded.length; i++) chars.push('c:' + padded.slice(i, i + size));
    }
  }
  return [words, stripped, chars];
}

/**
 * TF-IDF per view (sublinear tf, smoothed idf), each view L2-normalised and weighted, then
 * concatenated. The vocabulary is fixed at fit time; unknown terms are dropped.
 */
export class Featurizer {
  private vocab = new Map<string, number>();
  private idf: Float32Array = new Float32Array(0);

  constructor(private readonly options: FeaturizerOptions = DEFAULT_FEATURES) {}

  get size(): number {
    return this.vocab.size;
  }

  fit(samples: Normalized[]): void {
    const df = new Map<string, number>();
    for (const sample of samples) {
      for (const term of new Set(extractTerms(sample, this.options).flat()))
        df.set(term, (df.get(term) ?? 0) + 1);
    }
    this.vocab = new Map();
    const idf: number[] = [];
    const n = samples.length;
    for (const [term, count] of df) {
      this.vocab.set(term, idf.length);
      idf.push(Math.log((1 + n) / (1 + count)) + 1);
    }
    this.idf = Float32Array.from(idf);
  }

  transform(sample: Normalized): SparseVector {
    const views = extractTerms(sample, this.options);
    const weights = [this.options.wordWeight, this.options.strippedWeight, this.options.charWeight];
    const indices: number[] = [];
    const values: number[] = [];
    views.forEach((terms, v) => {
      const counts = new Map<number, number>();
      for (const term of terms) {
        const index = this.vocab.get(term);
        if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
      }
      let norm = 0;
      const local: [number, number][] = [];
      for (const [index, count] of counts) {
        const value = (1 + Math.log(count)) * this.idf[index];
        local.push([index, value]);
        norm += value * value;
      }
      norm = Math.sqrt(norm) || 1;
      for (const [index, value] of local) {
        indices.push(index);
        values.push((value / norm) * weights[v]);
      }
    });
    return { indices: Int32Array.from(indices), values: Float32Array.from(values) };
  }

  toJSON(): { vocab: [string, number][]; idf: number[]; options: FeaturizerOptions } {
    return { vocab: [...this.vocab], idf: [...this.idf], options: this.options };
  }

  static fromJSON(data: {
    vocab: [string, number][];
    idf: number[];
    options: FeaturizerOptions;
  }): Featurizer {
    const f = new Featurizer(data.options);
    f.vocab = new Map(data.vocab);
    f.idf = Float32Array.from(data.idf);
    return f;
  }
}
