// The languages Tandem speaks: the customer's prompts (packages/sdk), the SMS invite and the agent
// console all have words for exactly these (each package's locale test checks it has them all).
// Dependency-free, so browser bundles can import it.

export const SUPPORTED_LOCALES = ['ar', 'de', 'en', 'es', 'fi', 'fr', 'he', 'it', 'ja', 'nl', 'pl', 'pt', 'sv'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/** The supported language a BCP 47 tag names, by its primary subtag (de-AT -> de), or null. */
export function supportedLocale(tag: string | null | undefined): SupportedLocale | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (SUPPORTED_LOCALES as readonly string[]).includes(primary) ? (primary as SupportedLocale) : null;
}
