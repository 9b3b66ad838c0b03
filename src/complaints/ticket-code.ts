/** Complaint ticket codes: PA-<year>-<6 digits>, e.g. PA-2026-000123 (PA = phản ánh). */
export function formatTicketCode(year: number, sequence: number): string {
  return `PA-${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseTicketCode(text: string): string | null {
  const m = /(?<![\p{L}\p{N}])pa[\s-]?(20\d\d)[\s-]?(\d{6})(?![\p{L}\p{N}])/iu.exec(text.trim());
  return m ? `PA-${m[1]}-${m[2]}` : null;
}
