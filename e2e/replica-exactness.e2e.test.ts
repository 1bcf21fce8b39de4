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

  test('Vue: a field, a checkbox and a select the app resets from its state are reset in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/apps/vue-booking/index.html');
    try {
      await page.locator('#guest').waitFor();
      await page.locator('#guest').click();
      await page.keyboard.type('Sam Lee');
      await page.check('#breakfast');
      await page.selectOption('#room-type', 'twin');
      const READ = `(doc) => {
        const get = (id) => doc.getElementById(id);
        return get('guest') && get('breakfast') && get('room-type')
          ? { guest: get('guest').value, breakfast: get('breakfast').checked, roomType: get('room-type').selectedIndex } : null;
      }`;
      type Fields = { guest: string; breakfast: boolean; roomType: number };
      const filled = await replicaUntil<Fields>(console, READ, (v) => v?.guest === 'Sam Lee' && v.breakfast && v.roomType === 2);
      assert.deepEqual(filled, { guest: 'Sam Lee', breakfast: true, roomType: 2 }, 'the replica shows what the customer did');
      await page.locator('#clear-form').click();
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), { guest: '', breakfast: false, roomType: 0 });
      const cleared = await replicaUntil<Fields>(console, READ, (v) => v?.guest === '' && v.breakfast === false && v.roomType === 0);
      await console.screenshot({ path: join(screenshotsDir, 'replica-vue-cleared-console.png') });
      assert.deepEqual(cleared, { guest: '', breakfast: false, roomType: 0 }, 'the replica shows the fields Vue reset');
    } finally {
      await close();
    }
  });

  test('Svelte: a field, a checkbox and a select the app resets from its state are reset in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/apps/svelte-checkout/index.html');
    try {
      await page.locator('#order-name').waitFor();
      await page.locator('#order-name').click();
      await page.keyboard.type('Ada Byron');
      await page.check('#gift');
      await page.selectOption('#delivery', 'pickup');
      const READ = `(doc) => {
        const get = (id) => doc.getElementById(id);
        return get('order-name') && get('gift') && get('delivery')
          ? { name: get('order-name').value, gift: get('gift').checked, delivery: get('delivery').selectedIndex } : null;
      }`;
      type Fields = { name: string; gift: boolean; delivery: number };
      const filled = await replicaUntil<Fields>(console, READ, (v) => v?.name === 'Ada Byron' && v.gift && v.delivery === 2);
      assert.deepEqual(filled, { name: 'Ada Byron', gift: true, delivery: 2 }, 'the replica shows what the customer did');
      await page.locator('#reset').click();
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), { name: '', gift: false, delivery: 0 });
      const cleared = await replicaUntil<Fields>(console, READ, (v) => v?.name === '' && v.gift === false && v.delivery === 0);
      await console.screenshot({ path: join(screenshotsDir, 'replica-svelte-cleared-console.png') });
      assert.deepEqual(cleared, { name: '', gift: false, delivery: 0 }, 'the replica shows the fields Svelte reset');
    } finally {
      await close();
    }
  });

  test('Angular: a field, a checkbox and a select the app resets through its forms are reset in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/apps/angular-returns/index.html');
    try {
      await page.locator('#order').waitFor();
      await page.locator('#order').click();
      await page.keyboard.type('PX-2291');
      await page.check('#refund');
      await page.selectOption('#reason', 'late');
      const READ = `(doc) => {
        const get = (id) => doc.getElementById(id);
        return get('order') && get('refund') && get('reason')
          ? { order: get('order').value, refund: get('refund').checked, reason: get('reason').selectedIndex } : null;
      }`;
      type Fields = { order: string; refund: boolean; reason: number };
      const filled = await replicaUntil<Fields>(console, READ, (v) => v?.order === 'PX-2291' && v.refund && v.reason === 2);
      assert.deepEqual(filled, { order: 'PX-2291', refund: true, reason: 2 }, 'the replica shows what the customer did');
      await page.locator('#reset').click();
      await page.getByText('No order yet').waitFor();
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), { order: '', refund: false, reason: 0 });
      const cleared = await replicaUntil<Fields>(console, READ, (v) => v?.order === '' && v.refund === false && v.reason === 0);
      await console.screenshot({ path: join(screenshotsDir, 'replica-angular-cleared-console.png') });
      assert.deepEqual(cleared, { order: '', refund: false, reason: 0 }, 'the replica shows the fields Angular reset');
    } finally {
      await close();
    }
  });

  test('Lit (fields in a shadow root): a field, a checkbox and a select the app resets from its state are reset in the replica', async () => {
    const { page, console, close } = await sharedPage(stack, '/fixtures/apps/lit-support/index.html');
    try {
      await page.getByText('Refund not received').first().waitFor();
      await page.locator('#filter').click();
      await page.keyboard.type('refund');
      await page.check('#open-only');
      await page.selectOption('#priority', 'low');
      const READ = `(doc) => {
        const root = doc.querySelector('support-app')?.shadowRoot;
        const get = (id) => root?.getElementById(id);
        return get('filter') && get('open-only') && get('priority')
          ? { filter: get('filter').value, openOnly: get('open-only').checked, priority: get('priority').selectedIndex } : null;
      }`;
      type Fields = { filter: string; openOnly: boolean; priority: number };
      const filled = await replicaUntil<Fields>(console, READ, (v) => v?.filter === 'refund' && v.openOnly && v.priority === 2);
      assert.deepEqual(filled, { filter: 'refund', openOnly: true, priority: 2 }, 'the replica shows what the customer did');
      await page.locator('#clear-filters').click();
      assert.deepEqual(await page.evaluate(`(${READ})(document)`), { filter: '', openOnly: false, priority: 0 });
      const cleared = await replicaUntil<Fields>(console, READ, (v) => v?.filter === '' && v.openOnly === false && v.priority === 0);
      await console.screenshot({ path: join(screenshotsDir, 'replica-lit-cleared-console.png') });
      assert.deepEqual(cleared, { filter: '', openOnly: false, priority: 0 }, 'the replica shows the fields Lit reset');
    } finally {
      await close();
    }
  });
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
