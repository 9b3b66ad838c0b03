import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../src/common/project-root';
import { leafKeys, loadLocales } from '../src/i18n/locale-loader';
import { loadExamples } from '../src/nlu/training-data';
import { isAllowedLink } from './common/allowed-domains';

const resources = loadLocales();
const value = (language: 'vi' | 'en', key: string): unknown => {
  const [ns, path] = key.split(':');
  return path
    .split('.')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown> | undefined)?.[part],
      resources[language][ns],
    );
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('texts in locales/', () => {
  it('should have the same namespaces and the same keys in Vietnamese and English', () => {
    expect(Object.keys(resources.en).sort()).toEqual(Object.keys(resources.vi).sort());
    for (const ns of Object.keys(resources.vi)) {
      expect({ ns, keys: leafKeys(resources.en[ns]).sort() }).toEqual({
        ns,
        keys: leafKeys(resources.vi[ns]).sort(),
      });
    }
  });

  it('should define every key the code names literally, in both languages', () => {
    const used = new Set<string>();
    for (const file of [...sources(fromRoot('intents')), ...sources(fromRoot('src'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(
        /(?:text|quick|link)\(\s*'([a-z_]+:[a-zA-Z0-9_.]+)'/g,
      )) {
        if (Object.keys(resources.vi).includes(m[1].split(':')[0])) used.add(m[1]);
      }
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter(
      (key) => typeof value('vi', key) !== 'string' || typeof value('en', key) !== 'string',
    );
    expect(missing).toEqual([]);
  });

  it('should have an answer and a short title for every topic the classifier can return', () => {
    const topics = new Set(loadExamples().map((e) => `${e.intent}:${e.topic}`));
    const content = ['vneid', 'public_services', 'health_insurance'];
    const missing: string[] = [];
    for (const key of topics) {
      const [intent, topic] = key.split(':');
      if (intent === 'fallback' || intent === 'emergency') continue;
      for (const language of ['vi', 'en'] as const) {
        if (typeof value(language, `${intent}:topics.${topic}`) !== 'string')
          missing.push(`${language} ${intent}:topics.${topic}`);
        if (content.includes(intent) && typeof value(language, `${intent}:answers.${topic}`) !== 'string') {
          missing.push(`${language} ${intent}:answers.${topic}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('should keep quick-reply titles within 20 characters and texts within 2,000 (Messenger limits)', () => {
    const tooLong: string[] = [];
    for (const language of ['vi', 'en'] as const) {
      for (const [ns, tree] of Object.entries(resources[language])) {
        for (const key of leafKeys(tree)) {
          const text = value(language, `${ns}:${key}`) as string;
          const title = key.startsWith('topics.') || (ns === 'common' && key.startsWith('menu.'));
          if ([...text].length > (title ? 20 : 2000)) tooLong.push(`${language}/${ns}:${key}`);
        }
      }
    }
    expect(tooLong).toEqual([]);
  });

  it('should link only to https addresses of the allowed official domains', () => {
    const links: string[] = [];
    for (const language of ['vi', 'en'] as const) {
      for (const [ns, tree] of Object.entries(resources[language])) {
        for (const key of leafKeys(tree))
          links.push(...((value(language, `${ns}:${key}`) as string).match(/https?:\/\/[^\s)"]+/g) ?? []));
      }
    }
    for (const file of sources(fromRoot('intents')))
      links.push(...(readFileSync(file, 'utf8').match(/https?:\/\/[^\s'"`)]+/g) ?? []));
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !isAllowedLink(l.replace(/[.,;]+$/, '')))).toEqual([]);
  });

  it('should never ask citizens for their ID or card numbers, passwords or OTPs', () => {
    const asking =
      /(cho (tôi|em) xin|vui lòng (cung cấp|gửi|nhắn)|please (send|give|type|provide)).{0,40}(căn cước|cccd|số thẻ|mật khẩu|otp|passcode|id number|card number|password)/i;
    for (const language of ['vi', 'en'] as const) {
      for (const [ns, tree] of Object.entries(resources[language])) {
        for (const key of leafKeys(tree))
          expect({ key, asks: asking.test(value(language, `${ns}:${key}`) as string) }).toEqual({
            key,
            asks: false,
          });
      }
    }
  });
});
