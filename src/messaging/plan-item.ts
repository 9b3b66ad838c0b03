/**
 * The propaganda contents (nội dung tuyên truyền CCHC) a reply can serve. The units' plans number
 * them differently; the units file maps these ids to each plan's own item numbers for the reports.
 */
export const PLAN_ITEMS = [
  'vneid',
  'online_public_services',
  'health_insurance',
  'feedback_channels',
  'unit_services',
  'english_programme',
  'data_protection',
] as const;

export type PlanItem = (typeof PLAN_ITEMS)[number];
