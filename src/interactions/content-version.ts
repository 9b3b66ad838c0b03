import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fromRoot, projectRoot } from '../common/project-root';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (!name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/**
 * A short hash of what the bot can say: locales/ and intents/ (texts, examples, handlers). Stored
 * on every record, so a unit can show exactly which content answered a citizen on a given day.
 */
export function computeContentVersion(): string {
  const hash = createHash('sha256');
  const root = projectRoot();
  for (const path of [...files(fromRoot('locales')), ...files(fromRoot('intents'))].sort()) {
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
