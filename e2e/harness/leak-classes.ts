// One fixture page per class of masking leak (e2e/fixtures/leaks/*.html), each with what a page
// does before the customer shares (the first snapshot must mask it) and while sharing (mutations
// and input events must mask it), and what must still reach the agent (so a test cannot pass by
// sending nothing). Every secret on these pages matches SECRET_PATTERN.
import type { Page } from 'playwright-core';

export interface LeakClass {
  /** the words for the class */
  title: string;
  fixture: string;
  /** page copy that must still leave the page */
  shown: string[];
  before?(page: Page): Promise<void>;
  during?(page: Page): Promise<void>;
}

async function type(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

// (no named helpers inside evaluate: tsx would wrap them in a __name() the page lacks)
export const LEAK_CLASSES: LeakClass[] = [
  {
    title: 'checkbox and radio values, in the snapshot and in the input events when clicked or set',
    fixture: '/fixtures/leaks/checkable.html',
    shown: ['Visa ending 4242', 'standard-shipping', 'express'],
    async during(page) {
      await page.locator('input[value="SECRET-RADIO-CARD-2"]').click();
      await page.locator('input[name="account"]').click();
      await page.locator('#express').click();
      await page.locator('#opted-card').click();
      await page.evaluate(() => {
        (document.querySelector('input[name="account"]') as HTMLInputElement).value = 'SECRET-CHECKBOX-SCRIPTED';
        document.querySelector('#later-radio')?.setAttribute('value', 'SECRET-RADIO-ATTR');
        document.querySelector('#pay')?.insertAdjacentHTML('beforeend', '<label><input type="radio" name="card" value="SECRET-RADIO-ADDED"> New card</label>');
      });
      await page.locator('input[value="SECRET-RADIO-ADDED"]').click();
      await page.locator('#later-radio').click();
      // Variants: a box ticked through its label's text, one inside a shadow root, a defaultValue.
      await page.locator('#label-click').click({ position: { x: 60, y: 5 } });
      await page.locator('saved-cards input').click();
      await page.evaluate(() => {
        (document.querySelector('#later-radio') as HTMLInputElement).defaultValue = 'SECRET-RADIO-DEFAULTVALUE';
      });
    },
  },
  {
    title: 'iframe srcdoc and documents inlined in frame URLs',
    fixture: '/fixtures/leaks/srcdoc.html',
    shown: ['Statement shown', 'Later shown', 'Set shown'],
    async during(page) {
      await page.evaluate(() => {
        (document.querySelector('#later') as HTMLIFrameElement).srcdoc =
          '<p>Later shown</p><p data-tandem-mask>SECRET-SRCDOC-LATER</p><input type="hidden" value="SECRET-SRCDOC-LATER-HIDDEN">';
        document.querySelector('#data-url')?.setAttribute('src', 'data:text/html,<p>SECRET-DATA-URL-LATER</p>');
        document.querySelector('#set-attr')?.setAttribute('srcdoc', '<p>Set shown</p><p data-tandem-mask>SECRET-SRCDOC-SETATTR</p>');
        document.querySelector('#data-object')?.setAttribute('data', 'data:text/html,<p>SECRET-DATA-URL-OBJECT-LATER</p>');
      });
      await page.frameLocator('#later').locator('text=Later shown').waitFor();
    },
  },
  {
    title: 'editable regions without a contenteditable attribute: designMode, -webkit-user-modify, typed into',
    fixture: '/fixtures/leaks/editable.html',
    shown: ['Compose', 'Becomes editable later'],
    async before(page) {
      await page.frameLocator('#design').locator('body').waitFor();
      await page.evaluate(() => {
        (document.querySelector('#design') as HTMLIFrameElement).contentDocument!.designMode = 'on';
      });
      await type(page, '#styled', ' SECRET-STYLED-BEFORE');
      await page.frameLocator('#design').locator('p').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' SECRET-DESIGN-BEFORE');
    },
    async during(page) {
      await page.frameLocator('#design').locator('p').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' SECRET-DESIGN-TYPED');
      await page.keyboard.press('Enter');
      await page.keyboard.type('SECRET-DESIGN-NEW-LINE');
      await type(page, '#styled', ' SECRET-STYLED-TYPED');
      await type(page, '#plain', ' SECRET-PLAIN-TYPED');
      await page.evaluate(() => {
        (document.querySelector('#late') as HTMLElement).style.setProperty('-webkit-user-modify', 'read-write');
      });
      await type(page, '#late', ' SECRET-LATE-TYPED');
      await page.locator('#shadow-editor .box').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' SECRET-SHADOW-EDITOR-TYPED');
      // Variants: designMode switched on while sharing, contentEditable set as a property, a class
      // that brings -webkit-user-modify.
      await page.frameLocator('#design-later').locator('body').waitFor();
      await page.evaluate(() => {
        (document.querySelector('#design-later') as HTMLIFrameElement).contentDocument!.designMode = 'on';
        (document.querySelector('#prop-editable') as HTMLElement).contentEditable = 'plaintext-only';
        document.querySelector('#class-editable')!.classList.add('editor');
      });
      await page.frameLocator('#design-later').locator('p').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' SECRET-DESIGN-LATER-TYPED');
      await type(page, '#prop-editable', ' SECRET-PROP-EDITABLE-TYPED');
      await type(page, '#class-editable', ' SECRET-CLASS-EDITABLE-TYPED');
    },
  },
  {
    title: 'attributes inside a data-tandem-mask region (set at first, by setAttribute, by innerHTML), CSS attr() and content strings, slotted light DOM',
    fixture: '/fixtures/leaks/masked-attributes.html',
    shown: ['Shown to the agent', 'Support desk', 'Card:'],
    async during(page) {
      await page.evaluate(() => {
        const target = document.querySelector('#later-target') as HTMLElement;
        target.setAttribute('title', 'SECRET-ATTR-SET-LATER');
        target.setAttribute('data-owner', 'SECRET-ATTR-DATA-LATER');
        target.style.backgroundImage = 'url("/y.png?SECRET-ATTR-STYLE-LATER")';
        document.querySelector('#later-html')!.innerHTML =
          '<a href="/p?SECRET-ATTR-INNERHTML-HREF" title="SECRET-ATTR-INNERHTML-TITLE">x</a><img alt="SECRET-ATTR-INNERHTML-ALT"><button ' +
            'value="SECRET-ATTR-INNERHTML-BUTTON">b</button>';
        const slotted = document.querySelector('#slotted') as HTMLElement;
        slotted.textContent = 'SECRET-SLOTTED-LATER';
        slotted.setAttribute('data-x', 'SECRET-SLOTTED-ATTR-LATER');
        const added = document.createElement('b');
        added.textContent = ' SECRET-SLOTTED-ADDED';
        document.querySelector('#card')!.append(added);
        document.querySelector('#card')!.append(' SECRET-SLOTTED-TEXT-NODE');
        // Variants: the masked element's own attributes, a rule inserted through the CSSOM, srcset.
        document.querySelector('#root-attrs')!.setAttribute('data-later', 'SECRET-ATTR-ROOT-LATER');
        (document.querySelector('#rules-later') as HTMLStyleElement).sheet!.insertRule('#root-attrs p::before { content: "SECRET-CSS-INSERTRULE" }');
        document.querySelector('#srcset-later')!.setAttribute('srcset', '/fixtures/leaks/avatar.svg?u=SECRET-ATTR-SRCSET 2x');
      });
      await type(page, '#account input', ' SECRET-ATTR-TYPED');
    },
  },
  {
    title: 'choices read from elsewhere: option and optgroup labels, output, button, data, meter and progress values, datalist, aria-valuetext',
    fixture: '/fixtures/leaks/choices.html',
    shown: ['Pay now', 'Submit transfer', 'Your customer number'],
    async during(page) {
      await page.locator('#account').selectOption('SECRET-OPTION-VALUE');
      await type(page, '#amount', '7');
      await page.evaluate(() => {
        (document.querySelector('#total') as HTMLOutputElement).value = 'SECRET-OUTPUT-LATER';
        document.querySelector('#pay')!.setAttribute('value', 'SECRET-BUTTON-LATER');
        document.querySelector('#customer')!.setAttribute('value', 'SECRET-DATA-LATER');
        document.querySelector('option[label="Other"]')!.setAttribute('label', 'SECRET-OPTION-LABEL-LATER');
        document.querySelector('#payees')!.insertAdjacentHTML('beforeend',
          '<option value="SECRET-DATALIST-ADDED" label="SECRET-DATALIST-ADDED-LABEL"></option>');
        document.querySelector('#slider')!.setAttribute('aria-valuetext', 'SECRET-ARIA-VALUETEXT-LATER');
        document.querySelector('#nested-output')!.innerHTML = '<b>SECRET-OUTPUT-NESTED</b>';
        document.querySelector('#range')!.setAttribute('value', 'SECRET-RANGE-ATTR');
        document.querySelector('param')!.setAttribute('value', 'SECRET-PARAM-LATER');
      });
      await page.locator('#multi').selectOption(['SECRET-MULTI-VALUE']);
      await type(page, '#payee', 'SECRET-DATALIST-TYPED');
    },
  },
  {
    title: 'payment and password fields named by <label for>, other languages, exp, and switched to text before Share',
    fixture: '/fixtures/leaks/payment-names.html',
    shown: ['Springfield'],
    async during(page) {
      const fields: [string, string][] = [
        ['#f1', 'SECRET-PAY-LABEL-FOR'], ['#f2', 'SECRET-PAY-KREDITKARTE'], ['#f3', 'SECRET-PAY-EXP'],
        ['#f4', 'SECRET-PAY-CCEXP'], ['#f5', 'SECRET-PAY-ABLAUF'], ['#f6', 'SECRET-PAY-LABELLEDBY'],
        ['#f7', 'SECRET-PAY-PLACEHOLDER'], ['#pw', 'SECRET-PW-LABEL'], ['#pw2', 'SECRET-PW-ARIA'],
        ['#pw3', 'SECRET-PW-TOGGLE'], ['#pin', 'SECRET-PIN-DOTS'], ['#f12', 'SECRET-PAY-SICHERHEITSCODE'],
        ['#f13', 'SECRET-PAY-VERFALL'], ['#g1', 'SECRET-PAY-WAZNOSCI'], ['#g2', 'SECRET-PAY-UTGANGSDATUM'],
        ['#g3', 'SECRET-PAY-SROK'], ['#g4', 'SECRET-PAY-GUVENLIK'], ['#g5', 'SECRET-PAY-MMJJ'], ['#g6', 'SECRET-PAY-CONTO'],
        ['#g7', 'SECRET-PAY-KOREAN-EXPIRY'], ['#g8', 'SECRET-PAY-UTLOPSDATO'], ['#pw4', 'SECRET-PW-AUTOCOMPLETE'], ['#city', 'Springfield'],
      ];
      for (const [selector, text] of fields) await type(page, selector, text);
    },
  },
  {
    title: 'what is never page copy: <meta> content (csrf-token…), address query and fragment, link and form URL tokens, comments, inline script',
    fixture: '/fixtures/leaks/meta.html?reset=SECRET-URL-QUERY#token=SECRET-URL-FRAGMENT',
    shown: ['Recent orders', 'width=device-width', '/fixtures/leaks/meta.html', '/logout', 'Log out', 'Track parcel'],
    async during(page) {
      await page.evaluate(() => {
        const meta = document.createElement('meta');
        meta.name = 'csrf-token';
        meta.content = 'SECRET-META-ADDED';
        document.head.append(meta);
        document.querySelector('meta[name="user-id"]')!.setAttribute('content', 'SECRET-META-SET');
        history.pushState(null, '', '/fixtures/leaks/meta.html?step=SECRET-URL-PUSHED');
        document.querySelector('#logout')!.setAttribute('href', '/logout#SECRET-LINK-FRAGMENT-LATER');
        document.querySelector('#track')!.setAttribute('onmouseover', "track('SECRET-INLINE-HANDLER-LATER')");
        const comment = document.createComment(' SECRET-COMMENT-ADDED ');
        document.body.append(comment);
        comment.data = ' SECRET-COMMENT-CHANGED ';
        (document.querySelector('script[type="application/ld+json"]')!.firstChild as Text).data = '{"email": "SECRET-JSON-LD-CHANGED"}';
        document.querySelector('#pinged')!.setAttribute('ping', '/track?uid=SECRET-PING-LATER');
        document.querySelector('link[rel="canonical"]')!.setAttribute('href', '/orders?session=SECRET-LINK-CANONICAL-LATER');
      });
    },
  },
];
