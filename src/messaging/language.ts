export type Language = 'vi' | 'en';

export const LANGUAGES: readonly Language[] = ['vi', 'en'];

export function isLanguage(value: unknown): value is Language {
  return value === 'vi' || value === 'en';
}
