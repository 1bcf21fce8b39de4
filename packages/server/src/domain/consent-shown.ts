import type { ConsentShown } from '@tandem/protocol';
import { DomainError } from '../shared/domain-error.ts';

/** What the server sent the page for this prompt: the names and phrase the prompt must show. */
export interface ExpectedShown {
  companyName: string;
  agentName: string;
  /** The matching phrase the share prompt shows; null for the control prompt, which shows none. */
  phrase: string | null;
}

/**
 * The server cannot see the customer's screen, but it knows what it asked the page to show: a
 * consent whose record names another agent, company or phrase, or whose text does not contain
 * them, is not a consent to this invite, and no receipt is signed for it.
 */
export function checkShown(shown: ConsentShown, expected: ExpectedShown): void {
  const wrong: string[] = [];
  if (shown.companyName !== expected.companyName || !shown.text.includes(expected.companyName)) wrong.push('company name');
  if (shown.agentName !== expected.agentName || !shown.text.includes(expected.agentName)) wrong.push('agent name');
  if (expected.phrase !== null && (shown.phrase !== expected.phrase || !shown.text.includes(expected.phrase))) wrong.push('matching phrase');
  if (wrong.length) {
    throw new DomainError('consent_shown_mismatch',
      `The prompt's text or fields do not show this invite's ${wrong.join(', ')}: show the prompt again from the invite the server sent.`,
        { visitorError: 'consent_shown_mismatch', mismatched: wrong });
  }
}
