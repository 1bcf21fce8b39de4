// The console's language and formats. English is in the bundle; every other language is a small
// file next to it (/agent/console-locale-xx.js, built by build.ts) fetched only by an agent who
// needs it. Times and numbers follow the agent's own locale (de-CH, en-US), one time format for
// every time shown, 24- or 12-hour as that locale writes it.
import { SUPPORTED_LOCALES, type SupportedLocale } from '@tandem/protocol/wire';
import { en, type ConsoleStrings } from './locales/en.ts';

/** Languages with a file in ./locales: every language Tandem speaks (the customer's prompts too). */
export const CONSOLE_LOCALES = SUPPORTED_LOCALES;
export type ConsoleLocale = SupportedLocale;

export interface ConsoleFormats {
  /** The BCP 47 tag formats follow (the agent's full tag when it is in the chosen language). */
  lang: string;
  time(iso: string): string;
  number(n: number): string;
  percent(ratio: number): string;
  /** Seconds left as m:ss. */
  countdown(seconds: number): string;
}

export interface ConsoleWords {
  lang: ConsoleLocale;
  t: ConsoleStrings;
  format: ConsoleFormats;
}

function primary(tag: string | null | undefined): string {
  return tag?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

function isLocale(lang: string): lang is ConsoleLocale {
  return (CONSOLE_LOCALES as readonly string[]).includes(lang);
}

/**
 * The first candidate the console has words for, by primary subtag (de-AT -> de), English when
 * none, and the tag its formats follow. Candidates in order of precedence: the element's `lang`
 * attribute (the console page passes its `?lang=`), then the browser's languages.
 */
export function chooseConsoleLocale(candidates: readonly (string | null | undefined)[]): { lang: ConsoleLocale; formatTag: string } {
  for (const c of candidates) {
    const lang = primary(c);
    if (!isLocale(lang)) continue;
    // A tag the browser cannot format with (a typo) falls back to the language alone.
    const tag = c!.trim().replace(/_/g, '-');
    return { lang, formatTag: Intl.DateTimeFormat.supportedLocalesOf([tag]).length ? tag : lang };
  }
  return { lang: 'en', formatTag: 'en' };
}

export function consoleFormats(tag: string): ConsoleFormats {
  // One formatter each: building one per call profiled at ~39 ms of an agent's join on a long timeline.
  // The locale's own medium time (de 16:07:09, en-US 4:07:09 PM, ar-EG ٤:٠٧:٠٩ م): its clock and its digits.
  const clock = new Intl.DateTimeFormat(tag, { timeStyle: 'medium' });
  const plain = new Intl.NumberFormat(tag, { useGrouping: false });
  const twoDigits = new Intl.NumberFormat(tag, { minimumIntegerDigits: 2, useGrouping: false });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  return {
    lang: tag,
    time: (iso) => {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? '' : clock.format(date);
    },
    number: (n) => plain.format(n),
    percent: (ratio) => percent.format(ratio),
    countdown: (seconds) => `${plain.format(Math.floor(seconds / 60))}:${twoDigits.format(seconds % 60)}`,
  };
}

export const ENGLISH: ConsoleWords = { lang: 'en', t: en, format: consoleFormats('en') };

/** The words for `lang` from the file next to the console's bundle; English when it cannot be had. */
export async function loadConsoleWords(base: string, lang: ConsoleLocale, formatTag: string): Promise<ConsoleWords> {
  if (lang === 'en') return { lang, t: en, format: consoleFormats(formatTag) };
  try {
    const mod = (await import(new URL(`console-locale-${lang}.js`, base).href)) as { default: Partial<ConsoleStrings> };
    // A key a translation lacks falls back to English rather than showing nothing.
    return { lang, t: { ...en, ...mod.default }, format: consoleFormats(formatTag) };
  } catch {
    return { ...ENGLISH, format: consoleFormats(formatTag) };
  }
}
