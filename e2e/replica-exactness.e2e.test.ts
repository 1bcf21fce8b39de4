// The agent's replica is the customer's page as laid out and as filled in, through the real
// product (SDK tag → server → console): the same layout mode and geometry, form state that a
// framework writes from code, and sharing on a page that replaced the platform APIs Tandem uses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { replicaUntil, sharedPage } from './harness/replica-probe.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

describe('replica layout', () => {
  const pages = [
    { kind: 'a standards-mode page', path: '/fixtures/shop/standards-layout.html', mode: 'CSS1Compat', screenshot: 'replica-standards-layout-console.png' },
    { kind: 'a quirks-mode page (no doctype)', path: '/fixtures/shop/quirks-layout.html', mode: 'BackCompat', screenshot: 'replica-quirks-layout-console.png' },
  ];
  for (const { kind, path, mode, screenshot } of pages) test(`${kind} keeps its mode and geometry in the replica`, async () => {
    const { page, console, close } = await sharedPage(stack, path);
    try {
      const MEASURE = `(doc) => {
        const h1 = doc.getElementById('title');
        const input = doc.getElementById('order');
        if (!h1 || !input) return null;
        const kinds = [...doc.childNodes].map((n) => n.nodeType);
        const top = { roots: kinds.filter((k) => k === 1).length, doctypes: kinds.filter((k) => k === 10).length };
        return { mode: doc.compatMode, top, h1Top: h1.getBoundingClientRect().top, inputWidth: input.getBoundingClientRect().width };
      }`;
      const customer =
        (await page.evaluate(`(${MEASURE})(document)`)) as { mode: string; top: { roots: number; doctypes: number }; h1Top: number; inputWidth: number };
      assert.equal(customer.mode, mode);
      const replica = await replicaUntil<typeof customer>(console, MEASURE, (v) => v !== null);
      assert.ok(replica, 'the replica shows the page');
      await console.screenshot({ path: join(screenshotsDir, screenshot) });
      assert.equal(replica.mode, customer.mode, 'the replica is laid out in the customer page\'s mode');
      assert.equal(replica.top.roots, 1, 'the replica\'s document has one root element');
      assert.ok(replica.top.doctypes <= 1, 'and at most one doctype');
      assert.ok(Math.abs(replica.h1Top - customer.h1Top) <= 1, `h1 at y=${replica.h1Top} in the replica, ${customer.h1Top} on the page`);
      assert.ok(Math.abs(replica.inputWidth - customer.inputWidth) <= 1,
        `field ${replica.inputWidth} px wide in the replica, ${customer.inputWidth} px on the page`);
    } finally {
      await close();
    }
  });
});

describe('form state written by a framework', () => {
  test('an opted-in select chosen before Share shows that choice in the replica; a masked one does not', async () => {
    const { console, close } = await sharedPage(stack, '/fixtures/shop/framework-setters.html', {
      beforeShare: async (page) => {
        await page.selectOption('#size', 'Large');
        // The same choice in a select that is masked (as every field is by default).
        await page.evaluate(() => {
          const masked = document.getElementById('size')!.cloneNode(true) as HTMLSelectElement;
          masked.id = 'masked-size';
          masked.removeAttribute('data-tandem-unmask');
          document.body.append(masked);
          masked.selectedIndex = 2;
        });
      },
    });
    try {
      const READ = `(doc) => {
        const size = doc.getElementById('size');
        const masked = doc.getElementById('masked-size');
        return size && masked ? { size: size.selectedIndex, masked: masked.selectedIndex } : null;
      }`;
      const shown = await replicaUntil<{ size: number; masked: number }>(console, READ, (v) => v?.size === 2);
      assert.deepEqual(shown, { size: 2, masked: 0 }, 'the opted-in choice is in the snapshot; the masked one is not');
    } finally {
      await close();
    }
  });

  test('fields the app clears and a box it unticks from code after Share are cleared and unticked in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/shop/framework-setters.html');
    try {
      await page.fill('#todo', 'Buy milk');
      await page.fill('#note', 'call the courier');
      await page.check('#toggle-all');
      await page.selectOption('#size', 'Large');
      const READ = `(doc) => {
        const get = (id) => doc.getElementById(id);
        if (!get('todo')) return null;
        return { todo: get('todo').value, note: get('note').value, toggleAll: get('toggle-all').checked, size: get('size').selectedIndex };
      }`;
      type Fields = { todo: string; note: string; toggleAll: boolean; size: number };
      const typed = await replicaUntil<Fields>(console, READ, (v) => v?.note === 'call the courier' && v.toggleAll && v.size === 2 && v.todo.length > 0);
      assert.equal(typed?.note, 'call the courier', 'the opted-in field shows what the customer typed');
      assert.notEqual(typed?.todo, 'Buy milk', 'the default field stays masked');
      assert.equal(typed?.toggleAll, true);
      assert.equal(typed?.size, 2, 'the opted-in select shows the customer\'s choice');

      await page.evaluate(() => (window as unknown as { appClearsForm(): void }).appClearsForm());
      const page_ = (await page.evaluate(`(${READ})(document)`)) as Fields;
      assert.deepEqual(page_, { todo: '', note: '', toggleAll: false, size: 0 });
      const cleared = await replicaUntil<Fields>(console, READ, (v) => v !== null && v.todo === '' && v.note === '' && !v.toggleAll && v.size === 0);
      assert.deepEqual(cleared, page_, 'the replica shows the fields as the app left them (the deleted note gone)');
      // The app's own setters still work as the app expects.
      assert.equal(await page.evaluate(() => document.querySelector<HTMLInputElement>('#todo')!.value), '');
    } finally {
      await close();
    }
  });
  test('React: a search field and a checkbox the app clears from code are cleared in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/apps/react-orders/index.html');
    try {
      await page.getByText('Walnut desk').first().waitFor();
      await page.locator('#search').click();
      await page.keyboard.type('desk');
      await page.check('#open-only');
      const READ = `(doc) => {
        const search = doc.getElementById('search');
        const openOnly = doc.getElementById('open-only');
        return search && openOnly ? { search: search.value, openOnly: openOnly.checked } : null;
      }`;
      type Fields = { search: string; openOnly: boolean };
      const typed = await replicaUntil<Fields>(console, READ, (v) => v?.search === 'desk' && v.openOnly);
      assert.deepEqual(typed, { search: 'desk', openOnly: true }, 'the replica shows what the customer did');
      await page.locator('#clear-filters').click();
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), { search: '', openOnly: false });
      const cleared = await replicaUntil<Fields>(console, READ, (v) => v?.search === '' && v.openOnly === false);
      await console.screenshot({ path: join(screenshotsDir, 'replica-react-cleared-console.png') });
      assert.deepEqual(cleared, { search: '', openOnly: false }, 'the replica shows the fields React cleared');

      // After a reload, capture starts again as the page loads, racing React's mount.
      await page.reload();
      await page.getByText('Walnut desk').first().waitFor();
      await page.locator('#search').click();
      await page.keyboard.type('lamp');
      await page.check('#open-only');
      const retyped = await replicaUntil<Fields>(console, READ, (v) => v?.search === 'lamp' && v.openOnly);
      assert.deepEqual(retyped, { search: 'lamp', openOnly: true }, 'the replica follows the reloaded page');
      await page.locator('#clear-filters').click();
      const clearedAgain = await replicaUntil<Fields>(console, READ, (v) => v?.search === '' && v.openOnly === false);
      assert.deepEqual(clearedAgain, { search: '', openOnly: false }, 'and the fields React cleared after the reload');
    } finally {
      await close();
    }
  });
  test('a form put back by its Reset button (no event on any field) is put back in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/shop/form-reset.html');
    try {
      await page.fill('#town', 'Leeds');
      await page.fill('#instructions', 'Ring twice');
      await page.uncheck('#signature');
      await page.check('#slot-pm');
      await page.selectOption('#courier', 'Evri');
      const READ = `(doc) => {
        const get = (id) => doc.getElementById(id);
        return get('town') && get('courier') ? { town: get('town').value, instructions: get('instructions').value,
          signature: get('signature').checked, am: get('slot-am').checked, pm: get('slot-pm').checked, courier: get('courier').selectedIndex } : null;
      }`;
      type Fields = { town: string; instructions: string; signature: boolean; am: boolean; pm: boolean; courier: number };
      const changed = { town: 'Leeds', instructions: 'Ring twice', signature: false, am: false, pm: true, courier: 2 };
      const filled = await replicaUntil<Fields>(console, READ, (v) => JSON.stringify(v) === JSON.stringify(changed));
      assert.deepEqual(filled, changed, 'the replica shows what the customer did');
      await page.locator('#reset').click();
      const defaults = { town: 'London', instructions: 'Leave at the door', signature: true, am: true, pm: false, courier: 0 };
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), defaults);
      const reset = await replicaUntil<Fields>(console, READ, (v) => JSON.stringify(v) === JSON.stringify(defaults));
      await console.screenshot({ path: join(screenshotsDir, 'replica-form-reset-console.png') });
      assert.deepEqual(reset, defaults, 'the replica shows the form put back');
    } finally {
      await close();
    }
  });

  test('a web component\'s form put back by its Reset button or its code (inside a shadow root) is put back in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/apps/lit-support/index.html');
    try {
      await page.locator('#tab-account').click();
      await page.fill('#contact-phone', '0113 496 0999');
      await page.uncheck('#contact-texts');
      const READ = `(doc) => {
        const root = doc.querySelector('support-app')?.shadowRoot;
        const phone = root?.getElementById('contact-phone');
        const texts = root?.getElementById('contact-texts');
        return phone && texts ? { phone: phone.value, texts: texts.checked } : null;
      }`;
      type Fields = { phone: string; texts: boolean };
      const changed = await replicaUntil<Fields>(console, READ, (v) => v?.phone === '0113 496 0999' && v.texts === false);
      assert.deepEqual(changed, { phone: '0113 496 0999', texts: false }, 'the replica shows what the customer did');
      await page.locator('#contact-undo').click();
      const defaults = { phone: '0161 496 0000', texts: true };
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), defaults);
      assert.deepEqual(await replicaUntil<Fields>(console, READ, (v) => v?.phone === defaults.phone && v.texts), defaults,
        'the replica shows the form put back');
      // Again, put back by the component's code (form.reset(), no Reset button).
      await page.fill('#contact-phone', '0113 496 0123');
      await page.uncheck('#contact-texts');
      await replicaUntil<Fields>(console, READ, (v) => v?.phone === '0113 496 0123' && v.texts === false);
      await page.locator('#contact-discard').click();
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), defaults);
      assert.deepEqual(await replicaUntil<Fields>(console, READ, (v) => v?.phone === defaults.phone && v.texts), defaults,
        'the replica shows the form put back by its code');
    } finally {
      await close();
    }
  });

  test('"select all" boxes the page shows as mixed are mixed in the replica, as they change; never in a masked region', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/shop/mixed-boxes.html');
    try {
      const READ = `(doc) => {
        const box = (id) => doc.getElementById(id);
        const reasons = doc.querySelector('return-filter')?.shadowRoot?.getElementById('reasons');
        // A masked region keeps no ids: the gift order is the second list.
        const gift = doc.querySelectorAll('fieldset')[1]?.querySelector('legend input');
        if (!box('all-1') || !gift || !reasons) return null;
        const state = (b) => b ? (b.indeterminate ? 'mixed' : b.checked ? 'ticked' : 'empty') : 'none';
        return { order: state(box('all-1')), gift: state(gift), reasons: state(reasons), older: state(box('all-2')) };
      }`;
      type Boxes = { order: string; gift: string; reasons: string; older: string };
      const same = (a: Boxes | null, b: Boxes) => a !== null && JSON.stringify(a) === JSON.stringify(b);
      const onPage = async () => (await page.evaluate(`(${READ})(document)`)) as Boxes;
      // Mixed before Share: the page's own box, the masked one and the web component's.
      assert.deepEqual(await onPage(), { order: 'mixed', gift: 'mixed', reasons: 'mixed', older: 'none' });
      const first = { order: 'mixed', gift: 'empty', reasons: 'mixed', older: 'none' };
      assert.deepEqual(await replicaUntil<Boxes>(console, READ, (v) => same(v, first)), first,
        'the replica shows the mixed boxes (not the one in a masked region)');
      await console.screenshot({ path: join(screenshotsDir, 'replica-mixed-boxes-console.png') });

      // The rest of the order ticked: the page's code clears the dash and ticks the box.
      const rows = page.locator('#order-1 .row');
      await rows.nth(1).check();
      await rows.nth(2).check();
      const allTicked = { ...first, order: 'ticked' };
      assert.deepEqual(await replicaUntil<Boxes>(console, READ, (v) => same(v, allTicked)), allTicked, 'a box no longer mixed');
      await rows.nth(1).uncheck();
      assert.deepEqual(await replicaUntil<Boxes>(console, READ, (v) => same(v, first)), first, 'and mixed again');
      // Ticked from mixed by the customer: the browser clears the dash, the page's code writes nothing to it.
      await page.locator('#all-1').click();
      assert.equal((await onPage()).order, 'ticked');
      assert.deepEqual(await replicaUntil<Boxes>(console, READ, (v) => same(v, allTicked)), allTicked,
        'a box the customer ticked from mixed');
      // A box added and made mixed in one task.
      await page.locator('#add-order').click();
      const older = { ...allTicked, older: 'mixed' };
      assert.deepEqual(await replicaUntil<Boxes>(console, READ, (v) => same(v, older)), older, 'a box added already mixed');
      await console.screenshot({ path: join(screenshotsDir, 'replica-mixed-boxes-added-console.png') });
    } finally {
      await close();
    }
  });

  test('same-origin frames (one there at Share, one opened later): a choice, a reset and a mixed box the frame\'s code wrote reach the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/shop/framed-returns.html');
    try {
      await page.locator('#open-frame').click();
      await page.frameLocator('#frame-b').locator('#all').waitFor();
      for (const [index, id] of [[0, 'frame-a'], [1, 'frame-b']] as const) {
        const READ = `(doc) => {
          const inner = doc.querySelectorAll('iframe')[${index}]?.contentDocument;
          const get = (id) => inner?.getElementById(id);
          if (!get('town') || !get('courier') || !get('all')) return null;
          const all = get('all').indeterminate ? 'mixed' : get('all').checked ? 'ticked' : 'empty';
          return { town: get('town').value, courier: get('courier').selectedIndex, all };
        }`;
        type Form = { town: string; courier: number; all: string };
        const same = (a: Form | null, b: Form) => a !== null && JSON.stringify(a) === JSON.stringify(b);
        const frame = page.frameLocator(`#${id}`);
        await frame.locator('#town').fill('Leeds');
        await frame.locator('.row').first().check();
        await frame.locator('#use-dpd').click();
        const changed = { town: 'Leeds', courier: 1, all: 'mixed' };
        assert.deepEqual(await replicaUntil<Form>(console, READ, (v) => same(v, changed)), changed,
          `${id}: the replica shows the choice and the mixed box the frame's code wrote`);
        const shot = join(screenshotsDir, 'replica-framed-returns-console.png');
        if (index === 1) await console.screenshot({ path: shot });
        await frame.locator('#discard').click();
        const reset = { town: 'London', courier: 0, all: 'empty' };
        assert.deepEqual(await replicaUntil<Form>(console, READ, (v) => same(v, reset)), reset, `${id}: and the form its code reset`);
      }
    } finally {
      await close();
    }
  });

  test('a select that takes many choices shows all of them in the replica (the customer\'s, its code\'s, a reset); masked selects none', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/shop/many-choices.html');
    try {
      const READ = `(doc) => {
        const days = doc.getElementById('days');
        const [, sizes, courier] = doc.querySelectorAll('select');
        if (!days || !sizes || !courier) return null;
        const chosen = (s) => [...s.options].flatMap((o, i) => (o.selected ? [i] : []));
        return { days: chosen(days), sizes: chosen(sizes), courier: courier.selectedIndex };
      }`;
      type Choices = { days: number[]; sizes: number[]; courier: number };
      const same = (a: Choices | null, b: Choices) => a !== null && JSON.stringify(a) === JSON.stringify(b);
      const onPage = async () => (await page.evaluate(`(${READ})(document)`)) as Choices;
      // The customer's own: Tuesday, then Shift+Down to Thursday (no setter, only input events).
      // Without the report the replica kept Tuesday alone: rrweb's input event carries one value.
      assert.ok(await replicaUntil<Choices>(console, READ, (v) => v !== null), 'the replica is up');
      await page.locator('#days option[value="tue"]').click();
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+ArrowDown');
      await page.locator('#sizes').selectOption(['Small', 'Large']);
      // A masked single select: its masked value used to choose the replica's option of the same
      // masked length ("DPD" → the second), which told the agent the customer's choice.
      await page.locator('#courier').selectOption('DPD');
      const customer = { days: [1, 2, 3], sizes: [0, 2], courier: 1 };
      assert.deepEqual(await onPage(), customer);
      const masked = { days: [1, 2, 3], sizes: [] as number[], courier: -1 };
      const shown = await replicaUntil<Choices>(console, READ, (v) => same(v, masked));
      await console.screenshot({ path: join(screenshotsDir, 'replica-many-choices-console.png') });
      assert.deepEqual(shown, masked, 'the replica shows every day chosen, and no size or courier (masked)');
      await page.locator('#weekdays-odd').click();
      const odd = { days: [0, 2, 4], sizes: [] as number[], courier: -1 };
      assert.deepEqual(await replicaUntil<Choices>(console, READ, (v) => same(v, odd)), odd, 'the days its code chose');
      await page.locator('#discard').click();
      assert.deepEqual(await onPage(), { days: [], sizes: [], courier: 0 });
      const none = { days: [] as number[], sizes: [] as number[], courier: -1 };
      assert.deepEqual(await replicaUntil<Choices>(console, READ, (v) => same(v, none)), none, 'and none after the reset');
    } finally {
      await close();
    }
  });

  // Each framework's own form: the customer fills a text field, ticks a box and chooses an option
  // (all three opted in or shown), then the app resets them from its state; the replica must show
  // both steps. `root` finds the fields: the document, or a component's shadow root.
  const FRAMEWORK_FORMS = [
    { name: 'Vue', how: 'from its state', path: '/fixtures/apps/vue-booking/index.html', root: 'doc',
      text: '#guest', typed: 'Sam Lee', box: '#breakfast', select: '#room-type', option: 'twin', reset: '#clear-form', shot: 'vue' },
    { name: 'Svelte', how: 'from its state', path: '/fixtures/apps/svelte-checkout/index.html', root: 'doc',
      text: '#order-name', typed: 'Ada Byron', box: '#gift', select: '#delivery', option: 'pickup', reset: '#reset', shot: 'svelte' },
    { name: 'Angular', how: 'through its forms', path: '/fixtures/apps/angular-returns/index.html', root: 'doc',
      text: '#order', typed: 'PX-2291', box: '#refund', select: '#reason', option: 'late', reset: '#reset', shot: 'angular' },
    { name: 'Lit (fields in a shadow root)', how: 'from its state', path: '/fixtures/apps/lit-support/index.html',
      root: "doc.querySelector('support-app')?.shadowRoot", text: '#filter', typed: 'refund', box: '#open-only', select: '#priority', option: 'low',
      reset: '#clear-filters', shot: 'lit' },
  ];
  for (const f of FRAMEWORK_FORMS) {
    test(`${f.name}: a field, a checkbox and a select the app resets ${f.how} are reset in the replica`, async () => {
      const { page, console, close } = await sharedPage(stack, f.path);
      try {
        await page.locator(f.text).waitFor();
        await page.locator(f.text).click();
        await page.keyboard.type(f.typed);
        await page.check(f.box);
        await page.selectOption(f.select, f.option);
        const READ = `(doc) => {
          const root = ${f.root};
          const get = (sel) => root?.querySelector(sel);
          return get('${f.text}') && get('${f.box}') && get('${f.select}')
            ? { text: get('${f.text}').value, box: get('${f.box}').checked, select: get('${f.select}').selectedIndex } : null;
        }`;
        type Fields = { text: string; box: boolean; select: number };
        const same = (a: Fields | null, b: Fields) => a !== null && a.text === b.text && a.box === b.box && a.select === b.select;
        const done = (await page.evaluate(`(${READ})(document)`)) as Fields;
        assert.deepEqual({ text: done.text, box: done.box }, { text: f.typed, box: true });
        assert.ok(done.select > 0);
        assert.deepEqual(await replicaUntil<Fields>(console, READ, (v) => same(v, done)), done, 'the replica shows what the customer did');
        await page.locator(f.reset).click();
        const reset = { text: '', box: false, select: 0 };
        let onPage = (await page.evaluate(`(${READ})(document)`)) as Fields;
        for (let i = 0; i < 50 && !same(onPage, reset); i++) {
          await page.waitForTimeout(100);
          onPage = (await page.evaluate(`(${READ})(document)`)) as Fields;
        }
        assert.deepEqual(onPage, reset, 'the app reset its form');
        const shown = await replicaUntil<Fields>(console, READ, (v) => same(v, reset));
        await console.screenshot({ path: join(screenshotsDir, `replica-${f.shot}-cleared-console.png`) });
        assert.deepEqual(shown, reset, `the replica shows the fields ${f.name.split(' ')[0]} reset`);
      } finally {
        await close();
      }
    });
  }
});

describe('a page that replaced platform APIs', () => {
  test('MutationObserver, WebSocket send, JSON.stringify and attachShadow replaced before the SDK: the prompt shows, the page is shared', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/shop/patched-platform.html');
    try {
      const text = await replicaUntil<string>(console, '(doc) => doc.body.innerText', (v) => Boolean(v?.includes('Your request is in review.')));
      assert.match(text ?? '', /Employee portal[\s\S]*Your request is in review\./, 'the agent sees the page');
      await page.evaluate(() => {
        document.getElementById('status')!.textContent = 'Your request was approved.';
      });
      const after = await replicaUntil<string>(console, '(doc) => doc.body.innerText', (v) => Boolean(v?.includes('approved')));
      assert.match(after ?? '', /Your request was approved\./, 'changes on the page reach the agent');
    } finally {
      await close();
    }
  });
});
