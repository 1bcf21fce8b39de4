// The words of the prompts. Kept together so what the consent record says was shown is exactly
// what the prompt rendered (both are built from these objects).
import type { PromptCopy } from './consent-prompt.ts';

/** The version of the prompts' wording, recorded in every consent receipt: bump it when a word changes. */
export const COPY_VERSION = 'en-2026-11-30';

export function shareCopy(companyName: string, agentName: string, phrase: string): PromptCopy {
  return {
    brand: `${companyName} · secure screen sharing`,
    title: `Share this tab with ${agentName}?`,
    intro: `${agentName} from ${companyName} asked to see this browser tab while you are on the call, to help you.`,
    seesLabel: `${agentName} will see`,
    sees: [
      'This tab only, live, including pages you open on this site',
      'Where your mouse pointer is',
    ],
    hiddenLabel: 'Always hidden',
    hidden: [
      'Passwords and card numbers are never shown',
      'Anything you type, and fields the site marks private, appear as ••••',
      'Other tabs, other apps and your desktop',
    ],
    phrase,
    accept: 'Share this tab',
    decline: 'Decline',
    fine: 'You can stop sharing at any time from the bar at the bottom of the page.',
  };
}

export function controlCopy(companyName: string, agentName: string): PromptCopy {
  return {
    brand: `${companyName} · secure screen sharing`,
    title: `Let ${agentName} click and type for you?`,
    intro: `${agentName} can then do things for you in this tab while you watch.`,
    seesLabel: `${agentName} will be able to`,
    sees: ['Click, type and scroll in this tab only'],
    hiddenLabel: 'Never',
    hidden: [
      `${agentName} cannot type into passwords, card numbers or private fields`,
      'You can take back control at any time with “Stop control”',
    ],
    phrase: null,
    accept: 'Allow control',
    decline: 'Not now',
    fine: 'Sharing continues either way; only you decide about control.',
  };
}
