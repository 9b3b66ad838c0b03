import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../common/project-root';
import { LANGUAGES, type Language } from '../messaging/language';

export type LocaleResources = Record<Language, Record<string, Record<string, unknown>>>;

/** Reads locales/<lang>/<namespace>.json for both languages. */
export function loadLocales(dir: string = fromRoot('locales')): LocaleResources {
  const resources = {} as LocaleResources;
  for (const language of LANGUAGES) {
    resources[language] = {};
    for (const file of readdirSync(join(dir, language))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const namespace = file.replace(/\.json$/, '');
      try {
        resources[language][namespace] = JSON.parse(
          readFileSync(join(dir, language, file), 'utf8'),
        ) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`locales/${language}/${file} is not valid JSON: ${(error as Error).message}`);
      }
    }
  }
  return resources;
}

/** Every leaf key of a namespace, dotted ("steps.one"). */
export function leafKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value))
      keys.push(...leafKeys(value as Record<string, unknown>, path));
    else keys.push(path);
  }
  return keys;
}
