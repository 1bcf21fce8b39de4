// The shop's own script. What it does for Tandem is what any site does:
//   - after sign-in, hand the SDK an identity token from the site's backend (Tandem.identify), so
//     an agent on a call with this customer can push an invite to this page;
//   - "Get a support code" (Tandem.requestCode) and "Have a code?" (Tandem.enterCode), closing
//     its own dialog when the SDK shows its prompt (Tandem.on('invite.shown')).
// The SDK's script tag is async: calls made before it arrives are queued in window.Tandem.
import { groupShortCode } from '@tandem/protocol/wire';

interface TandemSdk {
  identify(token: string): void;
  on(event: 'invite.shown', listener: (detail: Record<string, unknown>) => void): void;
  enterCode(code: string): Promise<void>;
  requestCode(): Promise<string>;
}
type Queued = [string, ...unknown[]];
const host = window as unknown as { Tandem?: TandemSdk | Queued[] };

function tandemCall(method: 'identify', ...args: unknown[]): void {
  const sdk = (host.Tandem ??= []);
  if (Array.isArray(sdk)) sdk.push([method, ...args]);
  else sdk[method](...(args as [string]));
}

/** The SDK once loaded; methods that answer need it, not the queue. */
async function tandemLoaded(timeoutMs = 10_000): Promise<TandemSdk> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const sdk = host.Tandem;
    if (sdk && !Array.isArray(sdk)) return sdk;
    if (Date.now() > end) throw new Error('Screen sharing is not available right now. Please try again in a moment.');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const IDENTITY_REFRESH_MS = 8 * 60_000;

async function identify(): Promise<void> {
  if (!document.body.dataset['signedIn']) return;
  try {
    const res = await fetch('/shop-api/identity', { credentials: 'same-origin' });
    if (!res.ok) return;
    const { token } = (await res.json()) as { token: string };
    tandemCall('identify', token);
  } finally {
    // Tokens live ten minutes: a fresh one before that, while the page stays open.
    setTimeout(() => void identify(), IDENTITY_REFRESH_MS);
  }
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

function openCodeDialog(mode: 'request' | 'enter'): void {
  const dialog = $<HTMLDialogElement>('code-dialog');
  const code = $('code-dialog-code');
  const entry = $('code-dialog-entry');
  const input = $<HTMLInputElement>('code-dialog-input');
  const submit = $<HTMLButtonElement>('code-dialog-submit');
  const error = $('code-dialog-error');
  error.textContent = '';
  code.hidden = mode !== 'request';
  entry.hidden = mode !== 'enter';
  submit.hidden = mode !== 'enter';
  if (mode === 'request') {
    $('code-dialog-title').textContent = 'Your support code';
    $('code-dialog-text').textContent = 'Getting a code…';
    code.textContent = '··· ··· ····';
    tandemLoaded()
      .then((sdk) => sdk.requestCode())
      .then((value) => {
        code.textContent = groupShortCode(value);
        $('code-dialog-text').textContent =
          'Read this code to the agent on the phone. They type it in, then you are asked whether to share this tab. It works for a few minutes.';
      }, (err: unknown) => {
        code.hidden = true;
        $('code-dialog-text').textContent = '';
        error.textContent = err instanceof Error ? err.message : String(err);
      });
  } else {
    $('code-dialog-title').textContent = 'Have a code?';
    $('code-dialog-text').textContent = 'Type the code the agent read to you. You will be asked whether to share this tab before anything is shared.';
    input.value = '';
  }
  dialog.showModal();
  if (mode === 'enter') input.focus();
}

function wireCodeDialog(): void {
  const dialog = $<HTMLDialogElement>('code-dialog');
  const input = $<HTMLInputElement>('code-dialog-input');
  const error = $('code-dialog-error');
  const submit = $<HTMLButtonElement>('code-dialog-submit');
  dialog.querySelector('form')!.addEventListener('submit', (event) => {
    if (event.submitter !== submit) return;
    event.preventDefault();
    const value = input.value.replace(/[\s-]/g, '');
    if (!/^\d{10}$/.test(value)) {
      error.textContent = 'Type the ten digits the agent read to you.';
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    tandemLoaded()
      .then((sdk) => sdk.enterCode(value))
      .then(() => dialog.close(), (err: unknown) => {
        error.textContent = err instanceof Error ? err.message : 'That code did not work.';
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-support]')) {
    button.addEventListener('click', () => openCodeDialog(button.dataset['support'] === 'request' ? 'request' : 'enter'));
  }
}

wireCodeDialog();
void identify();
// Once the agent has typed the customer's code, the SDK's prompt appears: the code is done with.
void tandemLoaded(60_000).then((sdk) => sdk.on('invite.shown', () => $<HTMLDialogElement>('code-dialog').close()), () => undefined);
