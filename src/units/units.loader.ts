import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse } from 'yaml';
import { ConfigurationError, errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import type { PlanItem } from '../messaging/plan-item';
import type {
  Localized,
  Slot,
  Unit,
  UnitReportSettings,
  UnitsCatalog,
  WebChatMode,
  WeeklySlots,
} from './unit';
import { TO_FILL, UnitEntry, UnitsFile, type LocalizedText, type WeeklySchedule } from './units.schema';

function pathOf(errors: ValidationError[], prefix = ''): { path: string; message: string } | undefined {
  for (const e of errors) {
    const here = /^\d+$/.test(e.property)
      ? `${prefix}[${e.property}]`
      : prefix
        ? `${prefix}.${e.property}`
        : e.property;
    if (e.constraints) {
      const { whitelistValidation, isString, ...others } = e.constraints;
      // A type error says more than the length check that follows from it.
      const message = whitelistValidation
        ? `"${e.property}" is not a field of the units file (misspelt, or indented under the wrong field?)`
        : (isString ?? Object.values(others)[0]);
      return { path: here, message };
    }
    const inner = pathOf(e.children ?? [], here);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * The damage an unquoted comma does in a flow mapping: `{ vi: Hệ thống phản ánh, kiến nghị tỉnh X, en: … }`
 * parses as vi "Hệ thống phản ánh" plus a key "kiến nghị tỉnh X" with no value. Field names never hold a
 * space, so a key with a space and no value is that damage. Returns the first one, with its path.
 */
function commaSplitKey(
  value: unknown,
  path = '',
): { path: string; key: string; before: string | null } | null {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = commaSplitKey(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [index, [key, inner]] of entries.entries()) {
    if (inner === null && /\s/.test(key.trim())) {
      const previous = entries[index - 1]?.[1];
      return { path, key, before: typeof previous === 'string' ? previous : null };
    }
  }
  for (const [key, inner] of entries) {
    const found = commaSplitKey(inner, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

const filled = (value: string | undefined): string | null =>
  value === undefined || value.trim() === '' || value.trim() === TO_FILL ? null : value.trim();

function localized(text: LocalizedText | undefined): Localized | null {
  if (!text) return null;
  const vi = filled(text.vi);
  const en = filled(text.en);
  return vi && en ? { vi, en } : null;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

const DAYS: (keyof WeeklySchedule)[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function schedule(entry: WeeklySchedule | undefined): WeeklySlots | null {
  if (!entry) return null;
  const result: WeeklySlots = {};
  let any = false;
  DAYS.forEach((day, index) => {
    const slots: Slot[] = (entry[day] ?? []).map((s) => {
      const [a, b] = s.split('-');
      return { start: minutes(a), end: minutes(b) };
    });
    if (slots.length) any = true;
    result[index] = slots;
  });
  return any ? result : null;
}

function reportSettings(entry: UnitEntry['report']): UnitReportSettings {
  const title = localized(entry?.signer?.title);
  return {
    symbol: filled(entry?.symbol),
    place: filled(entry?.place),
    recipients: (entry?.recipients ?? []).map(localized).filter((r): r is Localized => r !== null),
    signer: title
      ? { title, onBehalfOf: localized(entry?.signer?.onBehalfOf), name: filled(entry?.signer?.name) }
      : null,
  };
}

export function toUnit(entry: UnitEntry, detailsVersion = 0, raw: unknown = entry): Unit {
  const missing: string[] = [];
  const track = <T>(name: string, value: T | null): T | null => {
    if (value === null) missing.push(name);
    return value;
  };
  const hotlines = entry.hotlines
    .map((h) => ({ label: localized(h.label), phone: filled(h.phone) }))
    .filter((h): h is { label: Localized; phone: string } => {
      if (!h.label || !h.phone) {
        missing.push('hotlines');
        return false;
      }
      return true;
    });
  return {
    id: entry.id,
    kind: entry.kind as Unit['kind'],
    name: localized(entry.name) ?? { vi: entry.id, en: entry.id },
    aliases: (entry.aliases ?? []).map((a) => a.trim()).filter((a) => a && a !== TO_FILL),
    governingBody: localized(entry.governingBody) ?? { vi: '', en: '' },
    address: track('address', localized(entry.address)),
    workingHours: track('workingHours', localized(entry.workingHours)),
    visitingHours: track('visitingHours', localized(entry.visitingHours)),
    booking: track('booking', localized(entry.booking)),
    website: track('website', filled(entry.website)),
    privacyPolicyUrl: track('privacyPolicyUrl', filled(entry.privacyPolicyUrl)),
    switchboard: track('switchboard', filled(entry.switchboard)),
    hotlines,
    emergencyPhone: track('emergencyPhone', filled(entry.emergencyPhone)),
    departments: (entry.departments ?? [])
      .map((d) => ({ name: localized(d.name), location: localized(d.location), phone: filled(d.phone) }))
      .filter((d): d is Unit['departments'][number] => d.name !== null),
    departmentHotline: (() => {
      const label = localized(entry.departmentHotline?.label);
      const phone = filled(entry.departmentHotline?.phone);
      return entry.departmentHotline
        ? track('departmentHotline', label && phone ? { label, phone } : null)
        : null;
    })(),
    feedbackChannels: (entry.feedbackChannels ?? [])
      .map((c) => ({ label: localized(c.label), url: filled(c.url) }))
      .filter((c): c is { label: Localized; url: string } => !!c.label && !!c.url),
    emergencyInfo: entry.emergencyInfo ? track('emergencyInfo', localized(entry.emergencyInfo)) : null,
    retention: track('retention', localized(entry.retention)),
    officeHours: track('officeHours', schedule(entry.officeHours)),
    planItems: entry.planItems.map((p) => ({
      id: p.id as PlanItem,
      ref: localized(p.ref) ?? { vi: p.id, en: p.id },
    })),
    messenger: entry.messenger && {
      ...entry.messenger,
      humanAgentTag: entry.messenger.humanAgentTag ?? false,
    },
    zalo: entry.zalo,
    oversight: entry.oversight ?? false,
    // Playground unless the operator says otherwise: a page anyone can reach must not inflate evidence.
    webChat: (entry.webChat as WebChatMode | undefined) ?? 'playground',
    report: reportSettings(entry.report),
    missing: [...new Set(missing)],
    plan: { number: filled(entry.plan?.number), date: filled(entry.plan?.date) },
    holidays: entry.holidays ?? [],
    detailsVersion,
    detailsHash: entryHash(raw as object),
  };
}

/** JSON with keys sorted at every level: one entry always gives the same bytes (and hash). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
    .join(',')}}`;
}

export function entryHash(entry: object): string {
  return createHash('sha256').update(canonical(entry)).digest('hex');
}

/**
 * One unit's entry (as in the units file, or as saved from the console) validated like the file;
 * a problem is one ConfigurationError naming the field.
 */
export function parseUnitEntry(raw: unknown, detailsVersion = 0): { entry: UnitEntry; unit: Unit } {
  const copy = JSON.parse(JSON.stringify(raw ?? {})) as Record<string, unknown>;
  if (copy.officeHours === TO_FILL) delete copy.officeHours;
  const split = commaSplitKey(copy);
  if (split) throw new ConfigurationError(`${split.path}: "${split.key}" is not a field`);
  const entry = plainToInstance(UnitEntry, copy);
  const errors = validateSync(entry, {
    forbidUnknownValues: false,
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  const problem = pathOf(errors);
  if (problem) throw new ConfigurationError(`${problem.path}: ${problem.message}`);
  return { entry: copy as unknown as UnitEntry, unit: toUnit(entry, detailsVersion, copy) };
}

/** Parses and validates a units file; any problem is one ConfigurationError line naming the field. */
export function parseUnitsFile(text: string, label: string): UnitsCatalog {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `Units file ${label} is not valid YAML: ${errorMessage(error).split('\n')[0]}`,
    );
  }
  const rawUnits = (raw as { units?: unknown } | null)?.units;
  const unitsList: unknown[] = Array.isArray(rawUnits) ? rawUnits : [];
  // Which unit a path like "units[2].hotlines[0].phone" is about, for the operator.
  const whose = (path: string): string => {
    const index = /^units\[(\d+)\]/.exec(path)?.[1];
    const id = index === undefined ? undefined : (unitsList[Number(index)] as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? ` (unit "${id}")` : '';
  };
  const split = commaSplitKey(raw);
  if (split) {
    throw new ConfigurationError(
      `Units file ${label}: ${split.path}: "${split.key}" is not a field: an unquoted comma inside { … } ` +
        `cut the text before it short${split.before ? ` ("${split.before}")` : ''}; put the whole text in quotes${whose(split.path)}`,
    );
  }
  // "officeHours: TO_FILL" stands for a whole block not given yet.
  for (const unit of unitsList as (Record<string, unknown> | null)[]) {
    if (unit && unit.officeHours === TO_FILL) delete unit.officeHours;
  }
  const file = plainToInstance(UnitsFile, raw ?? {});
  // Unknown fields are refused: a misspelt field would otherwise be dropped without a word.
  const errors = validateSync(file, {
    forbidUnknownValues: false,
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  const problem = pathOf(errors);
  if (problem)
    throw new ConfigurationError(
      `Units file ${label}: ${problem.path}: ${problem.message}${whose(problem.path)}`,
    );
  const ids = new Set<string>();
  for (const u of file.units) {
    if (ids.has(u.id)) throw new ConfigurationError(`Units file ${label}: unit id "${u.id}" appears twice`);
    ids.add(u.id);
  }
  const defaultUnitId = file.defaultUnit ?? file.units[0].id;
  if (!ids.has(defaultUnitId)) {
    throw new ConfigurationError(
      `Units file ${label}: defaultUnit "${defaultUnitId}" is not one of the units`,
    );
  }
  const units = file.units.map((u, i) => toUnit(u, 0, unitsList[i]));
  // The default unit comes first everywhere (the web chat's chooser, /api/units).
  units.sort((a, b) => (a.id === defaultUnitId ? -1 : b.id === defaultUnitId ? 1 : 0));
  return {
    units,
    defaultUnitId,
    holidays: new Set(file.holidays ?? []),
    entries: new Map(file.units.map((u, i) => [u.id, unitsList[i] as Record<string, unknown>])),
  };
}

export function loadUnitsFile(path: string): UnitsCatalog {
  const absolute = isAbsolute(path) ? path : fromRoot(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch {
    throw new ConfigurationError(`UNITS_FILE must name a readable units file (cannot read ${path})`);
  }
  return parseUnitsFile(text, path);
}
