import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Bus } from '../../src/bus/bus.ts';

/** Longest wait for a sentinel: a message that never comes fails the test instead of hanging it. */
const SENTINEL_WAIT_MS = 5_000;

/**
 * What every Bus implementation must do; each implementation's test file runs this suite.
 * Absence is checked without sleeping: a sentinel published after the message that must not arrive
 * travels the same way on the same connection, so once the sentinel is in, that message would be too.
 */
export function busContract(name: string, open: () => Promise<Bus>) {
  describe(`bus contract: ${name}`, () => {
    let a: Bus;
    let b: Bus;
    before(async () => {
      a = await open();
      b = await open();
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    const received = (bus: Bus, topic: string) => {
      const got: unknown[] = [];
      const waiting = new Map<string, () => void>();
      const ready = bus.subscribe(topic, (m) => {
        got.push(m);
        if (typeof m === 'string') waiting.get(m)?.();
      });
      /** Resolves once the sentinel has arrived here. */
      const sentinel = (value: string) => {
        if (got.includes(value)) return Promise.resolve();
        let timer: NodeJS.Timeout | undefined;
        const late = new Error(`${value} did not arrive within ${SENTINEL_WAIT_MS} ms`);
        return Promise.race([
          new Promise<void>((resolve) => waiting.set(value, resolve)),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late), SENTINEL_WAIT_MS))),
        ]).finally(() => clearTimeout(timer));
      };
      return { got, ready, sentinel };
    };
    const END = 'end-sentinel';

    test('a published message reaches every subscriber of the topic, as JSON-equal data', async () => {
      const topic = `t-${Math.random()}`;
      const one = received(a, topic);
      const two = received(a, topic);
      await Promise.all([one.ready, two.ready]);
      await a.publish(topic, { seq: 7, ids: ['x'] });
      await a.publish(topic, END);
      await Promise.all([one.sentinel(END), two.sentinel(END)]);
      assert.deepEqual(one.got, [{ seq: 7, ids: ['x'] }, END]);
      assert.deepEqual(two.got, [{ seq: 7, ids: ['x'] }, END]);
    });

    test('other topics are not delivered, and unsubscribing stops delivery', async () => {
      const topic = `t-${Math.random()}`;
      const sub = received(a, topic);
      // Stays subscribed to the topic: it sees the sentinel that closes the check.
      const witness = received(a, topic);
      const unsubscribe = await sub.ready;
      await witness.ready;
      await a.publish(`${topic}-other`, 1);
      await unsubscribe();
      await a.publish(topic, 2);
      await a.publish(topic, END);
      await witness.sentinel(END);
      assert.deepEqual(witness.got, [2, END]);
      assert.deepEqual(sub.got, []);
    });

    test('messages keep their order for one publisher', async () => {
      const topic = `t-${Math.random()}`;
      const sub = received(a, topic);
      await sub.ready;
      for (let i = 0; i < 50; i++) await a.publish(topic, i);
      await a.publish(topic, END);
      await sub.sentinel(END);
      assert.deepEqual(sub.got, [...Array.from({ length: 50 }, (_, i) => i), END]);
    });

    test('a subscriber on another bus instance gets it when the bus crosses nodes', async (t) => {
      const topic = `t-${Math.random()}`;
      if (name === 'memory') {
        t.diagnostic('the memory bus is one node by design: instances do not share messages');
        const sub = received(b, topic);
        const witness = received(a, topic);
        await Promise.all([sub.ready, witness.ready]);
        await a.publish(topic, 'x');
        await a.publish(topic, END);
        // Delivered on its own instance, in order: by then another instance would have had it too.
        await witness.sentinel(END);
        assert.deepEqual(witness.got, ['x', END]);
        assert.deepEqual(sub.got, []);
        return;
      }
      const sub = received(b, topic);
      await sub.ready;
      await a.publish(topic, { from: 'a' });
      await a.publish(topic, END);
      await sub.sentinel(END);
      assert.deepEqual(sub.got, [{ from: 'a' }, END]);
    });
  });
}
