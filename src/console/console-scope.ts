import { NotFoundException } from '@nestjs/common';
import type { ConsoleContext } from './console-view';

/** The units a request reads: the one asked for (if the account may see it) or all of the account's. */
export function unitScope(ctx: ConsoleContext, unit: unknown): string[] {
  if (unit === undefined || unit === '') return ctx.unitIds;
  if (typeof unit !== 'string' || !ctx.unitIds.includes(unit)) throw new NotFoundException();
  return [unit];
}

/** A row of another unit is "not found", exactly like a row that does not exist. */
export function assertUnit(ctx: ConsoleContext, unitId: string | undefined | null): void {
  if (!unitId || !ctx.unitIds.includes(unitId)) throw new NotFoundException();
}

export function positiveInt(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

export function pick(value: unknown, allowed: readonly string[]): string | undefined {
  return typeof value === 'string' && allowed.includes(value) ? value : undefined;
}
