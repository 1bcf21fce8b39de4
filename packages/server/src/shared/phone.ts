import { isSupportedCountry, parsePhoneNumberWithError, ParseError, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';
import { DomainError } from './domain-error.ts';

// Digits and the separators people type; letters are refused even though the library would
// read vanity numbers (1-800-FLOWERS), because a dialer never sends those on purpose.
const ALLOWED = /^\+?[\d\s().\-/]+$/;

const WHY: Record<string, string> = {
  INVALID_COUNTRY: 'its country code is unknown',
  NOT_A_NUMBER: 'it is not a number',
  TOO_SHORT: 'it is too short',
  TOO_LONG: 'it is too long',
  INVALID_LENGTH: 'it has the wrong number of digits',
};

const invalid = (raw: string, why: string) =>
  new DomainError('invalid_phone', `"${raw}" is not a valid phone number: ${why}. Send it in E.164 form, e.g. +14155550123.`, { field: 'customer.phone' });

/** Whether `region` is an ISO 3166 two-letter region the phone metadata knows (config checks it). */
export function isPhoneRegion(region: string): boolean {
  return isSupportedCountry(region);
}

/**
 * Validates a number against the real numbering plans (libphonenumber's full metadata) and returns
 * it in E.164. A national number (no `+`) is read in `defaultRegion` when one is configured and
 * refused otherwise, since guessing a country would text a stranger.
 */
export function normalisePhone(raw: string, defaultRegion?: string | null): string {
  const trimmed = raw.trim();
  if (!ALLOWED.test(trimmed)) return fail(raw, /[a-z]/i.test(trimmed) ? 'it contains letters' : 'it contains characters other than digits and separators');
  const compact = trimmed.replace(/[\s().\-/]/g, '');
  // 00 is the international prefix almost everywhere; read it as +.
  const text = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const region = defaultRegion && isSupportedCountry(defaultRegion) ? (defaultRegion as CountryCode) : undefined;
  if (!text.startsWith('+') && !region) return fail(raw, 'it has no country code (start it with + and the country code)');
  const lengthProblem = validatePhoneNumberLength(text, { defaultCountry: region });
  if (lengthProblem) return fail(raw, WHY[lengthProblem] ?? 'it has the wrong number of digits');
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(text, { defaultCountry: region, extract: false });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return fail(raw, WHY[err.message] ?? 'it cannot be read as a phone number');
  }
  if (!parsed.isValid()) return fail(raw, `no such number exists in the numbering plan of ${parsed.country ?? `+${parsed.countryCallingCode}`}`);
  return parsed.number;
}

function fail(raw: string, why: string): never {
  throw invalid(raw, why);
}
