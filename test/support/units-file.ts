import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { fromRoot } from '../../src/common/project-root';
import type { WebChatMode } from '../../src/units/unit';

/**
 * The shipped units.yaml with the web chat of its units set: one mode for all, or per unit id
 * (units not named keep theirs). Returns the path, for UNITS_FILE.
 */
export function unitsFileWith(modes: WebChatMode | Record<string, WebChatMode>): string {
  const file = parse(readFileSync(fromRoot('units.yaml'), 'utf8')) as {
    units: { id: string; webChat?: string }[];
  };
  for (const unit of file.units) {
    const mode = typeof modes === 'string' ? modes : modes[unit.id];
    if (mode) unit.webChat = mode;
  }
  const path = join(mkdtempSync(join(tmpdir(), 'outreach-units-')), 'units.yaml');
  writeFileSync(path, stringify(file));
  return path;
}
