/**
 * The short codes read aloud on a call (an invite's code, a page's support code). Ten digits, read
 * like a phone number (3-3-4): the space (10^10) is what keeps guessing hopeless within the
 * per-source attempt budget, even with several nodes each counting their own (README, Security:
 * the odds). Stored and sent as bare digits.
 */
export const SHORT_CODE_DIGITS = 10;

/** What a person may type for a code: digits, with spaces or dashes between groups. */
export const SHORT_CODE_INPUT_PATTERN = '^[0-9][0-9 -]{0,23}$';

/** "4829130751" as "482 913 0751": how it is read aloud. Anything else is returned as it is. */
export function groupShortCode(code: string): string {
  return /^\d{10}$/.test(code) ? `${code.slice(0, 3)} ${code.slice(3, 6)} ${code.slice(6)}` : code;
}

/** The digits of what was typed ("482 913-0751" -> "4829130751"). */
export function shortCodeDigits(typed: string): string {
  return typed.replace(/\D/g, '');
}
