// Which language the customer's prompts speak, and fetching its words. English is inline; any
// other language is a small file (/sdk/locale-xx.js) fetched only for the customer who needs it,
// so the loader on every page stays small however many languages there are.
import { en, type LocaleStrings } from './locales/en.ts';

/** Languages with a file in ./locales (built to dist/locale-xx.js). */
export const LOCALES = ['ar', 'de', 'en', 'es', 'fi', 'fr', 'he', 'it', 'ja', 'nl', 'pl', 'pt', 'sv'] as const;

export interface Words {
  lang: string;
  s: LocaleStrings;
}

export const ENGLISH: Words = { lang: 'en', s: en };

/**
 * The first candidate we have words for, by its primary language subtag (de-AT -> de); English
 * when none. Candidates come in the order of precedence: the site's explicit choice
 * (Tandem.push(['locale', 'de'])), the page's <html lang>, the deployment's default language
 * (set with the deployments API, told in the server's welcome), then the browser's languages.
 */
export function chooseLocale(candidates: readonly (string | null | undefined)[]): string {
  for (const c of candidates) {
    const primary = c?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && (LOCALES as readonly string[]).includes(primary)) return primary;
  }
  return 'en';
}

export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/** The words for `lang`; English when the file cannot be had (CSP, network), so a prompt always shows. */
export async function loadWords(server: string, lang: string): Promise<Words> {
  if (lang === 'en') return ENGLISH;
  try {
    const mod = (await import(`${server}/sdk/locale-${lang}.js`)) as { default: Partial<LocaleStrings> };
    // A key a translation lacks falls back to English rather than showing nothing.
    return { lang, s: { ...en, ...mod.default } };
  } catch {
    return ENGLISH;
  }
}
