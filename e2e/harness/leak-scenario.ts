// The known leak classes on e2e/fixtures/leaks/index.html, driven like a customer (and the page's
// own scripts) would. Shared by the capture-only masking test and the through-the-server test.
import type { Page } from 'playwright-core';

/** Every secret the fixture page holds or is given; none may ever leave the page. */
export const SECRET_PATTERN = /SECRET-[A-Z0-9-]+/g;

async function type(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(text);
}

/** State a page may have before capture starts: the first full snapshot must mask it. */
export async function prepareLeaks(page: Page): Promise<void> {
  await page.locator('#prefilled').fill('');
  await page.locator('#notes-cleared').fill('');
  await page.evaluate(() => {
    const note = document.querySelector('#widget-masked')?.shadowRoot?.querySelector('.note');
    if (note) note.textContent = 'SECRET-SHADOW-MASKED-INITIAL';
  });
}

/** Changes while sharing: mutations and input events must mask them. */
export async function driveLeaks(page: Page): Promise<void> {
  // (no named helpers inside evaluate: tsx would wrap them in a __name() the page lacks)
  await page.evaluate(() => {
    (document.querySelector('#scripted') as HTMLInputElement).value = 'SECRET-SCRIPT-VALUE';
    document.querySelector('#attr')?.setAttribute('value', 'SECRET-ATTR-VALUE');
    (document.querySelector('#notes-scripted') as HTMLTextAreaElement).textContent = 'SECRET-TEXTAREA-SCRIPTED';
    const hidden = document.createElement('input');
    hidden.type = 'hidden';
    hidden.value = 'SECRET-HIDDEN-ADDED';
    document.querySelector('#hidden-form')?.append(hidden);
    (document.querySelector('#hidden-form input[name=customer]') as HTMLInputElement).value = 'SECRET-HIDDEN-SET';
    (document.querySelector('p[data-tandem-mask]') as HTMLElement).textContent = 'Account SECRET-MASKED-LATER';
    (document.querySelector('#blocked') as HTMLElement).innerHTML = '<b>Card SECRET-BLOCKED-LATER</b>';
    const note = document.querySelector('#widget-masked')?.shadowRoot?.querySelector('.note');
    if (note) note.textContent = 'SECRET-SHADOW-MASKED-LATER';
  });
  await page.evaluate(() => {
    const text = document.querySelector('#notes-scripted')?.firstChild as Text;
    text.data = 'SECRET-TEXTAREA-CHARDATA';
  });
  await type(page, '#notes', ' SECRET-TEXTAREA-TYPED');
  await type(page, '#pw', 'SECRET-PW-HIDDEN');
  await page.locator('#show-pw').click();
  await type(page, '#pw', 'SECRET-PW-SHOWN');
  await page.locator('#editable').click();
  await page.keyboard.press('End');
  await page.keyboard.type(' SECRET-EDITABLE-TYPED');
  await page.locator('#saved-card').selectOption({ label: 'SECRET-OPTION-MASTERCARD' });
  // And back and forth from code, through the options (as Svelte does): announced as the select's
  // choice (capture/option-choices.ts), which must stay masked.
  await page.evaluate(() => {
    const select = document.getElementById('saved-card') as HTMLSelectElement;
    select.options[1]!.selected = true;
    select.options[select.options.length - 1]!.selected = true;
    // A form put back from code: its fields are announced as they are (capture/form-resets.ts).
    (document.getElementById('hidden-form') as HTMLFormElement).reset();
  });
  await type(page, '#city', 'Springfield');
  await type(page, '#cardnumber', 'SECRET-CARD-BY-NAME');
  await type(page, '#cc', 'SECRET-CARD-BY-AUTOCOMPLETE');
  await page.frameLocator('#frame').locator('#frame-input').click();
  await page.keyboard.type('SECRET-FRAME-TYPED');
  await type(page, '#widget .street', 'SECRET-SHADOW-TYPED');
}

/** The secrets found in `text`, deduplicated. */
export function secretsIn(text: string): string[] {
  return [...new Set([...text.matchAll(SECRET_PATTERN)].map((m) => m[0]))];
}
