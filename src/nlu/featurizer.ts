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
  const chars: string[] = [];
  for (const padded of charWords(n)) {
    for (let size = options.charMin; size <= options.charMax; size++) {
      for (let i = 0; i + size <= padded.length; i++) chars.push(CHAR + padded.slice(i, i + size));
    }
  }
  return [...wordTerms(n), chars];
}

/** The words whose character n-grams count (placeholders such as _num_ do not), space-padded. */
function charWords(n: Normalized): string[] {
  return n.stripped.filter((token) => !token.startsWith('_')).map((token) => ` ${token} `);
}

/** The word and diacritic-free word views: unigrams and bigrams. */
function wordTerms(n: Normalized): [string[], string[]] {
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
  return [words, stripped];
}

const CHAR = 'c:';

/**
 * The vocabulary's character n-grams as a trie over UTF-16 code units (as String#slice counts
 * them): a message's n-grams are looked up by walking it, without building a string for each of
 * the few hundred a message has.
 */
class CharGrams {
  /** (node, code unit) → child node, keyed node * 65536 + code. */
  private readonly edges = new Map<number, number>();
  /** The vocabulary index of the n-gram ending at each node, or -1. */
  private readonly terms: number[] = [-1];

  constructor(vocab: Map<string, number>) {
    for (const [term, index] of vocab) {
      if (!term.startsWith(CHAR)) continue;
      let node = 0;
      for (let k = CHAR.length; k < term.length; k++) {
        const key = node * 65536 + term.charCodeAt(k);
        let next = this.edges.get(key);
        if (next === undefined) {
          next = this.terms.length;
          this.terms.push(-1);
          this.edges.set(key, next);
        }
        node = next;
      }
      this.terms[node] = index;
    }
  }

  /** The vocabulary indices of the n-grams in the order extractTerms lists them (token, size, start). */
  indices(n: Normalized, options: FeaturizerOptions): number[] {
    const out: number[] = [];
    const sizes = options.charMax - options.charMin + 1;
    const bySize: number[][] = Array.from({ length: sizes }, () => []);
    for (const padded of charWords(n)) {
      for (let i = 0; i + options.charMin <= padded.length; i++) {
        let node = 0;
        for (let k = 0; k < options.charMax && i + k < padded.length; k++) {
          const next = this.edges.get(node * 65536 + padded.charCodeAt(i + k));
          if (next === undefined) break;
          node = next;
          if (k + 1 >= options.charMin && this.terms[node] >= 0)
            bySize[k + 1 - options.charMin].push(this.terms[node]);
        }
      }
      for (const found of bySize) {
        for (const index of found) out.push(index);
        found.length = 0;
      }
    }
    return out;
  }
}

/**
 * TF-IDF per view (sublinear tf, smoothed idf), each view L2-normalised and weighted, then
 * concatenated. The vocabulary is fixed at fit time; unknown terms are dropped.
 */
export class Featurizer {
  private vocab = new Map<string, number>();
  private idf: Float32Array = new Float32Array(0);
  /** Built from the vocabulary at the first transform. */
  private charGrams?: CharGrams;
  private counts?: Int32Array;

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
    this.charGrams = undefined;
    this.counts = undefined;
  }

  transform(sample: Normalized): SparseVector {
    this.charGrams ??= new CharGrams(this.vocab);
    const [words, stripped] = wordTerms(sample);
    const views = [
      words.map((term) => this.vocab.get(term)),
      stripped.map((term) => this.vocab.get(term)),
      this.charGrams.indices(sample, this.options),
    ];
    const weights = [this.options.wordWeight, this.options.strippedWeight, this.options.charWeight];
    const indices: number[] = [];
    const values: number[] = [];
    // Counts per vocabulary index in a reused array; `seen` keeps first occurrences in order.
    const counts = (this.counts ??= new Int32Array(this.vocab.size));
    views.forEach((found, v) => {
      const seen: number[] = [];
      for (const index of found) if (index !== undefined && counts[index]++ === 0) seen.push(index);
      let norm = 0;
      const local: number[] = [];
      for (const index of seen) {
        const value = (1 + Math.log(counts[index])) * this.idf[index];
        counts[index] = 0;
        local.push(value);
        norm += value * value;
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < seen.length; k++) {
        indices.push(seen[k]);
        values.push((local[k] / norm) * weights[v]);
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
