// The words of the prompts, from the customer's language. Kept together so what the consent
// record says was shown is exactly what the prompt rendered (both are built from these objects).
import type { PromptCopy } from './consent-prompt.ts';
import { fill, type Words } from './locale-choice.ts';

const base =
  (w: Words, company: string) => ({ lang: w.lang, dir: w.s.dir, version: w.s.version, brand: fill(w.s.brand, { company }), phraseCheck: w.s.phraseCheck });

export function shareCopy(w: Words, companyName: string, agentName: string, phrase: string): PromptCopy {
  const s = w.s;
  const v = { agent: agentName, company: companyName };
  return {
    ...base(w, companyName),
    title: fill(s.shareTitle, v),
    intro: fill(s.shareIntro, v),
    seesLabel: fill(s.willSee, v),
    sees: [s.see1, s.see2],
    hiddenLabel: s.alwaysHidden,
    hidden: [s.hidden1, s.hidden2, s.hidden3],
    phrase,
    accept: s.share,
    decline: s.decline,
    fine: s.shareFine,
  };
}

export function controlCopy(w: Words, companyName: string, agentName: string): PromptCopy {
  const s = w.s;
  const v = { agent: agentName, company: companyName };
  return {
    ...base(w, companyName),
    title: fill(s.controlTitle, v),
    intro: fill(s.controlIntro, v),
    seesLabel: fill(s.controlAble, v),
    sees: [s.control1],
    hiddenLabel: s.never,
    hidden: [fill(s.controlNever1, v), s.controlNever2],
    phrase: null,
    accept: s.allow,
    decline: s.notNow,
    fine: s.controlFine,
  };
}
