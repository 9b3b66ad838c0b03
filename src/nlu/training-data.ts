import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fromRoot } from '../common/project-root';

const STYLES = ['vi', 'vi_unaccented', 'teencode', 'en'] as const;
export type Style = (typeof STYLES)[number];

export interface Example {
  intent: string;
  topic: string;
  text: string;
  style: Style | 'added';
}

interface ExamplesFile {
  intent?: unknown;
  topics?: Record<string, Partial<Record<Style, unknown>>>;
}

/** Reads intents/<folder>/examples.yaml; a malformed file is an error naming the file and field. */
export function loadExamples(dir: string = fromRoot('intents')): Example[] {
  const examples: Example[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const file = join(dir, folder, 'examples.yaml');
    try {
      if (!statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    const data = parse(readFileSync(file, 'utf8')) as ExamplesFile;
    if (typeof data?.intent !== 'string') throw new Error(`${file}: "intent" must be a string`);
    for (const [topic, styles] of Object.entries(data.topics ?? {})) {
      for (const [style, texts] of Object.entries(styles ?? {})) {
        if (!(STYLES as readonly string[]).includes(style))
          throw new Error(`${file}: topics.${topic}: unknown style "${style}"`);
        if (!Array.isArray(texts)) throw new Error(`${file}: topics.${topic}.${style} must be a list`);
        for (const text of texts) {
          if (typeof text !== 'string' || !text.trim())
            throw new Error(`${file}: topics.${topic}.${style} has an empty entry`);
          examples.push({ intent: data.intent, topic, text: text.normalize('NFC'), style: style as Style });
        }
      }
    }
  }
  return examples;
}

/** Identifies a training set: a cached model is reused only for exactly the same data and code version. */
export function hashExamples(examples: Example[], salt: string): string {
  const hash = createHash('sha256').update(salt);
  for (const e of examples) hash.update(`${e.intent}\t${e.topic}\t${e.text}\n`);
  return hash.digest('hex').slice(0, 24);
}

/** The held-out files (JSON lines {text, intent, topic?, slice}) under src/nlu/data/heldout/. */
export function loadJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
