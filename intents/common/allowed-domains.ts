/**
 * Where the bot's links may point: official government sites and the units' own sites (from the
 * units file). A link to anything else is a content error (checked by intents/content.spec.ts).
 */
const ALLOWED_LINK_DOMAINS = [
  'dichvucong.gov.vn',
  'vneid.gov.vn',
  'baohiemxahoi.gov.vn',
  'dichvucong.baohiemxahoi.gov.vn',
  'pakn.khanhhoa.gov.vn',
  'tuongtac.khanhhoa.gov.vn',
];

export function isAllowedLink(url: string, unitSites: string[] = []): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  const host = parsed.hostname.toLowerCase();
  const sites = unitSites.map((s) => new URL(s).hostname.toLowerCase());
  return [...ALLOWED_LINK_DOMAINS, ...sites].some((d) => host === d || host.endsWith(`.${d}`));
}
