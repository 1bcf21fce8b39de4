import { DomainError } from './domain-error.ts';

/**
 * Light E.164 normalisation: strips the separators people type and checks the shape.
 * Country-specific validation arrives with the SMS providers.
 */
export function normalisePhone(raw: string): string {
  const compact = raw.replace(/[\s().-]/g, '');
  const withPlus = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (!/^\+[1-9]\d{6,14}$/.test(withPlus)) {
    throw new DomainError('invalid_phone', `"${raw}" is not a phone number in E.164 form: send it as +<country code><number>, e.g. +14155550123.`, { field: 'customer.phone' });
  }
  return withPlus;
}
