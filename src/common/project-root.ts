import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cached: string | undefined;

/**
 * The repository root, found from this file whether it runs from src/ (ts-jest) or dist/src/ (build):
 * locales/, intents/ and the sample units file are read from there, never copied into dist.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = resolve(__dirname);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
      if (name === 'outreach-bot') return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('outreach-bot: cannot find the project root above ' + __dirname);
    dir = parent;
  }
}

export function fromRoot(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
