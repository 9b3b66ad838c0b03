import type { Unit } from '../units/unit';

/**
 * What a unit has not filled in yet, as keys of the console's "setup.item" texts (said in words a
 * clerk understands). The bot tells citizens "being updated" for each of these until it is filled.
 */
export function setupChecklist(unit: Unit): string[] {
  const items: string[] = [];
  const missing = new Set(unit.missing);
  for (const field of [
    'address',
    'workingHours',
    'switchboard',
    'hotlines',
    'emergencyPhone',
    'website',
    'privacyPolicyUrl',
    'officeHours',
    'retention',
    'visitingHours',
    'booking',
    'emergencyInfo',
    'departmentHotline',
  ])
    if (missing.has(field)) items.push(field);
  if (!unit.hotlines.length && !items.includes('hotlines')) items.push('hotlines');
  if ((unit.kind === 'hospital' || unit.kind === 'health_centre') && !unit.departments.length)
    items.push('departments');
  if (!unit.plan.number || !unit.plan.date) items.push('plan');
  if (!unit.report.signer?.name) items.push('signer');
  return items;
}
