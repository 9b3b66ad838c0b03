import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Clock, VN_TIME_ZONE } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { loadUnitsFile } from './units.loader';
import type { UnitView } from '../messaging/intent';
import type { Language } from '../messaging/language';
import { isOpen, nextOpening } from './office-hours';
import type { Unit, UnitsCatalog } from './unit';
import { UnitNameMatcher, type NamedUnit } from './unit-name-matcher';

/** The units (đơn vị) of this deployment: lookup by id, page id, OA id; office hours and holidays. */
@Injectable()
export class UnitsService implements OnModuleInit {
  private readonly logger = new Logger(UnitsService.name);
  private readonly catalog: UnitsCatalog;
  private names: UnitNameMatcher;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.catalog = loadUnitsFile(config.unitsFile);
    this.names = new UnitNameMatcher(this.catalog.units);
  }

  onModuleInit(): void {
    for (const unit of this.catalog.units) {
      if (unit.missing.length) {
        this.logger.warn({
          msg: 'unit details still TO_FILL in the units file',
          unit: unit.id,
          fields: unit.missing,
        });
      }
    }
  }

  all(): Unit[] {
    return this.catalog.units;
  }

  /** The unit's entry as in the units file (what the console's versions start from). */
  fileEntry(id: string): Record<string, unknown> | undefined {
    return this.catalog.entries.get(id);
  }

  /**
   * Uses a new version of a unit's details from now on (saved in the console, or read from the
   * database at start and when another instance saved one). The channels and the id stay the file's.
   */
  apply(unit: Unit): void {
    const index = this.catalog.units.findIndex((u) => u.id === unit.id);
    if (index < 0) throw new Error(`unknown unit ${unit.id}`);
    const current = this.catalog.units[index];
    if (current.detailsVersion > unit.detailsVersion) return;
    this.catalog.units[index] = {
      ...unit,
      messenger: current.messenger,
      zalo: current.zalo,
      webChat: current.webChat,
      oversight: current.oversight,
      kind: current.kind,
    };
    this.names = new UnitNameMatcher(this.catalog.units);
  }

  defaultUnit(): Unit {
    return this.get(this.catalog.defaultUnitId)!;
  }

  get(id: string): Unit | undefined {
    return this.catalog.units.find((u) => u.id === id);
  }

  /** The unit (or an unknown facility) a citizen names in `text`, asked on the page of `pageUnitId`. */
  named(text: string, pageUnitId: string): NamedUnit {
    return this.names.match(text, pageUnitId);
  }

  /** null when the unit has not filled in its office hours. */
  staffAvailable(unit: Unit, at: Date = this.clock.now()): boolean | null {
    return unit.officeHours ? isOpen(unit.officeHours, this.holidaysOf(unit), at) : null;
  }

  staffBackAt(unit: Unit, at: Date = this.clock.now()): Date | null {
    return unit.officeHours ? nextOpening(unit.officeHours, this.holidaysOf(unit), at) : null;
  }

  /** The public holidays and the unit's own days off. */
  private holidaysOf(unit: Unit): Set<string> {
    return unit.holidays.length
      ? new Set([...this.catalog.holidays, ...unit.holidays])
      : this.catalog.holidays;
  }

  view(unit: Unit, language: Language, at: Date = this.clock.now()): UnitView {
    const pick = (text: { vi: string; en: string } | null) => (text ? text[language] : null);
    const available = this.staffAvailable(unit, at);
    const back = available === false ? this.staffBackAt(unit, at) : null;
    return {
      id: unit.id,
      name: unit.name[language],
      governingBody: unit.governingBody[language],
      address: pick(unit.address),
      workingHours: pick(unit.workingHours),
      visitingHours: pick(unit.visitingHours),
      website: unit.website,
      bookingInfo: pick(unit.booking),
      hotlines: unit.hotlines.map((h) => ({ label: h.label[language], phone: h.phone })),
      switchboard: unit.switchboard,
      emergencyPhone: unit.emergencyPhone,
      departments: unit.departments.map((d) => ({
        name: d.name[language],
        location: pick(d.location),
        phone: d.phone,
      })),
      kind: unit.kind,
      departmentHotline: unit.departmentHotline
        ? { label: unit.departmentHotline.label[language], phone: unit.departmentHotline.phone }
        : null,
      feedbackChannels: unit.feedbackChannels.map((c) => ({ label: c.label[language], url: c.url })),
      emergencyInfo: pick(unit.emergencyInfo),
      retention: pick(unit.retention),
      privacyPolicyUrl: unit.privacyPolicyUrl,
      staffAvailable: available ?? false,
      staffHoursKnown: available !== null,
      staffBackAt: back ? formatLocal(back, language) : null,
    };
  }
}

function formatLocal(at: Date, language: Language): string {
  return new Intl.DateTimeFormat(language === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: VN_TIME_ZONE,
    weekday: 'long',
    day: 'numeric',
    month: language === 'vi' ? 'numeric' : 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}
