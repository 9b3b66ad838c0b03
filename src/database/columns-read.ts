/**
 * Reading raw rows on both engines without entity hydration (the hot path): PostgreSQL returns
 * bigint as text and booleans as booleans, SQLite numbers for both; simple-json columns are text.
 */
export const readDate = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(Number(v));

export const readNumber = (v: unknown): number => Number(v);

export const readBoolean = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';

export const readText = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new TypeError(`not a text column value: ${typeof v}`);
};

export const readJson = <T>(v: unknown): T | null => {
  const text = readText(v);
  return text === null || text === '' ? null : (JSON.parse(text) as T);
};
