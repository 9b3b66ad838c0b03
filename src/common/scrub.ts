/**
 * Last line of defence for log lines: whatever a caller passes, no citizen's number, e-mail or
 * credential is written. Coarser than the nlu recognisers on purpose (any long digit run goes).
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const LONG_DIGITS = /(?<![\p{L}\p{N}-])\+?\d(?:[\s.-]?\d){7,}(?![\p{L}\p{N}])/gu;
const CARD_CODE = /\b[A-Za-z]{2}\s?\d{13}\b/g;
const SECRET_PARAM =
  /((?:access_token|refresh_token|secret_key|appsecret_proof|password|token)["']?\s*[=:]\s*["']?)[^&"'\s,}]+/gi;

export function scrubLogText(text: string): string {
  return text
    .replace(SECRET_PARAM, '$1[secret]')
    .replace(EMAIL, '[email]')
    .replace(CARD_CODE, '[code]')
    .replace(LONG_DIGITS, '[number]');
}
