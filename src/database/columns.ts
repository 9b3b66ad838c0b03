import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as UTC epoch milliseconds (bigint) on both SQLite and PostgreSQL: one type,
 * exact ordering, and local days computable in SQL on either engine (Vietnam is UTC+7 all year).
 */
export const epochMs: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.getTime() : (value ?? null)),
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : new Date(Number(value)),
};

/** PostgreSQL returns bigint as a string; counters and sequence numbers are safe as numbers. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value ?? null,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
