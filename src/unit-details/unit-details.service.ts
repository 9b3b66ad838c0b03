import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { parse, stringify } from 'yaml';
import { Clock } from '../common/clock';
import { ConfigurationError, errorMessage } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { entryHash, parseUnitEntry } from '../units/units.loader';
import type { Unit } from '../units/unit';
import { UnitsService } from '../units/units.service';
import type { UnitDetailsVersionEntity } from './unit-details-version.entity';
import { UnitDetailsRepository } from './unit-details.repository';

/** What a unit's admin may change; the id, kind, channels and web chat mode stay the operator's (units file). */
export const EDITABLE_FIELDS = [
  'name',
  'aliases',
  'governingBody',
  'address',
  'workingHours',
  'visitingHours',
  'booking',
  'website',
  'privacyPolicyUrl',
  'switchboard',
  'hotlines',
  'emergencyPhone',
  'emergencyInfo',
  'departments',
  'departmentHotline',
  'feedbackChannels',
  'retention',
  'officeHours',
  'holidays',
  'planItems',
  'plan',
  'report',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** What a value says, however written: TO_FILL, empty texts, lists and objects all say nothing (null). */
function meaning(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string')
    return value.trim() === '' || value.trim() === 'TO_FILL' ? null : value.trim();
  if (Array.isArray(value)) {
    const items = value.map(meaning);
    return items.some((i) => i !== null) ? items : null;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, meaning(v)] as const)
      .filter(([, v]) => v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return entries.length ? Object.fromEntries(entries) : null;
  }
  return value;
}

export class UnitDetailsError extends Error {
  constructor(
    /** Where in the entry, as the units file names it (e.g. "hotlines[0].phone"). */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface UnitDetails {
  entry: Record<string, unknown>;
  version: number;
  hash: string;
  unit: Unit;
}

/**
 * A unit's details as its admin keeps them in the console: every save is a new version (who, when,
 * what changed), validated like the units file, used at once by this instance and within
 * UNIT_DETAILS_SYNC_MS by the others. The units file is the seed (version 0) and the export format.
 */
@Injectable()
export class UnitDetailsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UnitDetailsService.name);
  private readonly entries = new Map<
    string,
    { entry: Record<string, unknown>; version: number; hash: string }
  >();
  private seenId = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: UnitDetailsRepository,
    private readonly units: UnitsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.syncLogged(), this.config.env.UNIT_DETAILS_SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async syncLogged(): Promise<void> {
    await this.sync().catch((error) =>
      this.logger.error({ msg: 'unit details sync failed', error: errorMessage(error) }),
    );
  }

  /** Takes up versions saved since the last look (by any instance). */
  async sync(): Promise<void> {
    const last = await this.repository.lastId();
    if (last === this.seenId) return;
    for (const row of await this.repository.latest()) this.use(row);
    this.seenId = last;
  }

  private use(row: UnitDetailsVersionEntity): void {
    if (!this.units.get(row.unitId)) return;
    const known = this.entries.get(row.unitId);
    if (known && known.version >= row.version) return;
    try {
      const raw = JSON.parse(row.entry) as Record<string, unknown>;
      const { unit } = parseUnitEntry(this.withFileFields(row.unitId, raw), row.version);
      this.units.apply(unit);
      this.entries.set(row.unitId, { entry: raw, version: row.version, hash: row.hash });
    } catch (error) {
      // A version the current schema refuses (it became stricter) leaves the previous details in use.
      this.logger.error({
        msg: 'saved unit details no longer valid; previous details kept',
        unit: row.unitId,
        version: row.version,
        error: errorMessage(error),
      });
    }
  }

  /** The fields the console cannot change, always from the units file. */
  private withFileFields(unitId: string, entry: Record<string, unknown>): Record<string, unknown> {
    const file = this.units.fileEntry(unitId) ?? {};
    const merged: Record<string, unknown> = { ...file };
    for (const field of EDITABLE_FIELDS) {
      if (field in entry) merged[field] = entry[field];
      else delete merged[field];
    }
    return merged;
  }

  current(unitId: string): UnitDetails {
    const unit = this.units.get(unitId);
    if (!unit) throw new UnitDetailsError('unitId', `unknown unit "${unitId}"`);
    const saved = this.entries.get(unitId);
    if (saved) return { ...saved, unit };
    const file = this.units.fileEntry(unitId) ?? {};
    const entry = Object.fromEntries(EDITABLE_FIELDS.filter((f) => f in file).map((f) => [f, file[f]]));
    return { entry, version: 0, hash: entryHash(file), unit };
  }

  history(unitId: string): Promise<UnitDetailsVersionEntity[]> {
    return this.repository.history(unitId);
  }

  /**
   * Saves `changes` (editable fields in the units file's shape) over the current details as the next
   * version. Bad input is a UnitDetailsError naming the field, and nothing is saved.
   */
  async save(
    unitId: string,
    changes: Record<string, unknown>,
    actor: string,
  ): Promise<UnitDetails & { changed: string[] }> {
    await this.sync();
    const before = this.current(unitId);
    for (const key of Object.keys(changes))
      if (!(EDITABLE_FIELDS as readonly string[]).includes(key))
        throw new UnitDetailsError(key, `"${key}" cannot be changed here`);
    const entry: Record<string, unknown> = { ...before.entry };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === null) delete entry[key];
      else entry[key] = value;
    }
    const changed = EDITABLE_FIELDS.filter(
      (f) => JSON.stringify(meaning(before.entry[f])) !== JSON.stringify(meaning(entry[f])),
    );
    if (!changed.length) return { ...before, changed: [] };
    const version = before.version + 1;
    let unit: Unit;
    try {
      unit = parseUnitEntry(this.withFileFields(unitId, entry), version).unit;
    } catch (error) {
      if (error instanceof ConfigurationError) {
        const [path, ...rest] = error.message.split(': ');
        throw new UnitDetailsError(path, rest.join(': ') || error.message);
      }
      throw error;
    }
    this.checkLinks(entry);
    const hash = entryHash(this.withFileFields(unitId, entry));
    try {
      await this.repository.insert({
        unitId,
        version,
        entry: JSON.stringify(entry),
        hash,
        createdBy: actor,
        createdAt: this.clock.now(),
        changes: changed.join(','),
      });
    } catch (error) {
      // Another admin saved first: his version stays, this one is refused, nothing is merged blindly.
      await this.sync();
      if (this.current(unitId).version >= version)
        throw new UnitDetailsError(
          'version',
          'someone else saved these details meanwhile: reload and try again',
        );
      throw error;
    }
    this.units.apply(unit);
    this.entries.set(unitId, { entry, version, hash });
    return { entry, version, hash, unit: this.units.get(unitId)!, changed };
  }

  /** Links citizens are sent to must be https and Vietnamese (.vn) or named in CAMPAIGN_LINK_DOMAINS. */
  private checkLinks(entry: Record<string, unknown>): void {
    const extra = this.config.env.CAMPAIGN_LINK_DOMAINS.split(',').filter(Boolean);
    const check = (path: string, value: unknown) => {
      if (typeof value !== 'string' || value === 'TO_FILL') return;
      const host = new URL(value).hostname.toLowerCase();
      if (!(host.endsWith('.vn') || extra.some((d) => host === d || host.endsWith(`.${d}`))))
        throw new UnitDetailsError(
          path,
          `links must be on a .vn domain${extra.length ? ` or ${extra.join(', ')}` : ''} (CAMPAIGN_LINK_DOMAINS): ${host} is not`,
        );
    };
    check('website', entry.website);
    check('privacyPolicyUrl', entry.privacyPolicyUrl);
    const channels = Array.isArray(entry.feedbackChannels)
      ? (entry.feedbackChannels as { url?: unknown }[])
      : [];
    channels.forEach((c, i) => check(`feedbackChannels[${i}].url`, c?.url));
  }

  /**
   * Saves the unit's entry from a units-file text (the export, edited; or the server's units.yaml) as
   * the next version: its editable fields replace the current ones. The text must name this unit.
   */
  async importYaml(
    unitId: string,
    text: string,
    actor: string,
  ): Promise<UnitDetails & { changed: string[] }> {
    let raw: unknown;
    try {
      raw = parse(text);
    } catch (error) {
      throw new UnitDetailsError('yaml', `not a units file: ${errorMessage(error).split('\n')[0]}`);
    }
    const list = (raw as { units?: unknown } | null)?.units;
    const entries: unknown[] = Array.isArray(list) ? list : [raw];
    const entry = entries.find(
      (e): e is Record<string, unknown> =>
        !!e && typeof e === 'object' && (e as { id?: unknown }).id === unitId,
    );
    if (!entry) throw new UnitDetailsError('id', `the text has no entry with id: ${unitId}`);
    for (const key of Object.keys(entry))
      if (key !== 'id' && !(EDITABLE_FIELDS as readonly string[]).includes(key)) {
        const file = this.units.fileEntry(unitId) ?? {};
        if (JSON.stringify(file[key]) !== JSON.stringify(entry[key]))
          throw new UnitDetailsError(
            key,
            `"${key}" is set by the operator in the server's units file, not here`,
          );
      }
    const changes = Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, entry[f] ?? null]));
    return this.save(unitId, changes, actor);
  }

  /** The units file with every unit's current details: the import and export format. */
  exportYaml(unitIds: string[]): string {
    const units = unitIds.map((id) => ({ ...this.units.fileEntry(id), ...this.current(id).entry }));
    return stringify({ units });
  }
}
