/**
 * The invite text, from a per-deployment template, kept to one SMS segment where it can be: a
 * second segment costs twice and can arrive out of order on some networks. When the text is too
 * long the names give way (the agent to a first name, then both cut short); the link never does.
 */

export const DEFAULT_SMS_TEMPLATE = '{company}: {agent} asks to see your screen: {link} (valid {minutes} min). Unexpected? Ignore it.';
export const SMS_PLACEHOLDERS = ['company', 'agent', 'link', 'minutes'] as const;

// GSM 03.38: the basic set (one septet each) and the extension table (escape + septet: two).
const GSM_BASIC =
  new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà']);
const GSM_EXTENSION = new Set([...'\f^{}\\[~]|€']);

export interface SegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  return true;
}

/** How a phone network splits the text: 160/153 septets or 70/67 UTF-16 units per segment. */
export function countSegments(text: string): SegmentCount {
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += GSM_EXTENSION.has(ch) ? 2 : 1;
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Problems with a template, for config: it must carry the link and use only known placeholders. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  if (!template.includes('{link}')) problems.push('must contain {link}');
  for (const [, name] of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(SMS_PLACEHOLDERS as readonly string[]).includes(name!)) problems.push(
      `has an unknown placeholder {${name}} (use ${SMS_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
  }
  return problems;
}

export interface SmsVars {
  company: string;
  agent: string;
  link: string;
  minutes: number;
  /** The customer's language: the minutes are written the way it writes numbers. */
  locale?: string;
}

export interface RenderedSms extends SegmentCount {
  text: string;
  /** Whether a name was changed to make it fit. */
  shortened: boolean;
}

const render = (template: string, v: SmsVars) =>
  template.replace(/\{(company|agent|link|minutes)\}/g, (_, k: 'company' | 'agent' | 'link' | 'minutes') =>
    k === 'minutes' ? new Intl.NumberFormat(v.locale ?? 'en').format(v.minutes) : v[k]);

// Accents GSM-7 lacks are dropped (Łukasz -> Lukasz, Zoë -> Zoe; René keeps its é) when that
// alone makes the name GSM-7; other scripts are left as they are.
function foldToGsm(name: string): string {
  let folded = '';
  for (const ch of name) {
    folded += isGsm7(ch) ? ch : ch === 'Ł' ? 'L' : ch === 'ł' ? 'l' : ch.normalize('NFD').replace(/\p{M}/gu, '');
  }
  return isGsm7(folded) ? folded : name;
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

// Cut to `n` characters (whole code points) and mark the cut.
const cut = (name: string, n: number) => {
  const chars = [...name];
  return chars.length <= n ? name : `${chars.slice(0, Math.max(1, n - 1)).join('').trimEnd()}.`;
};

// Names are not cut below these, so the customer still knows who is asking.
const MIN_COMPANY = 6;
const MIN_AGENT = 4;

/**
 * Fills the template. Tries, in order, until one segment fits: the names as given; the names
 * without accents (when that avoids UCS-2); the agent's first name; both names cut a character at
 * a time, the longer first. When nothing fits, the full text goes as several segments.
 */
export function renderSms(template: string, vars: SmsVars): RenderedSms {
  const full = render(template, vars);
  const fullCount = countSegments(full);
  if (fullCount.segments === 1) return { text: full, shortened: false, ...fullCount };

  let company = foldToGsm(vars.company);
  let agent = foldToGsm(vars.agent);
  const attempt = () => {
    const text = render(template, { ...vars, company, agent });
    const count = countSegments(text);
    return count.segments === 1 ? { text, shortened: true, ...count } : null;
  };
  let fitted = attempt();
  if (!fitted) {
    agent = firstName(agent);
    fitted = attempt();
  }
  while (!fitted) {
    const c = [...company].length;
    const a = [...agent].length;
    const canCutCompany = c > MIN_COMPANY;
    const canCutAgent = a > MIN_AGENT;
    if (!canCutCompany && !canCutAgent) break;
    if (canCutCompany && (c >= a || !canCutAgent)) company = cut(company, c - 1);
    else agent = cut(agent, a - 1);
    fitted = attempt();
  }
  return fitted ?? { text: full, shortened: false, ...fullCount };
}
