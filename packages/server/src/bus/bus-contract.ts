import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Bus } from './bus.ts';

/** What every Bus implementation must do; each implementation's test file runs this suite. */
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
      const ready = bus.subscribe(topic, (m) => got.push(m));
      return { got, ready };
    };
    const settle = () => new Promise((r) => setTimeout(r, 150));

    test('a published message reaches every subscriber of the topic, as JSON-equal data', async () => {
      const topic = `t-${Math.random()}`;
      const one = received(a, topic);
      const two = received(a, topic);
      await Promise.all([one.ready, two.ready]);
      await a.publish(topic, { seq: 7, ids: ['x'] });
      await settle();
      assert.deepEqual(one.got, [{ seq: 7, ids: ['x'] }]);
      assert.deepEqual(two.got, [{ seq: 7, ids: ['x'] }]);
    });

    test('other topics are not delivered, and unsubscribing stops delivery', async () => {
      const topic = `t-${Math.random()}`;
      const sub = received(a, topic);
      const unsubscribe = await sub.ready;
      await a.publish(`${topic}-other`, 1);
      await unsubscribe();
      await a.publish(topic, 2);
      await settle();
      assert.deepEqual(sub.got, []);
    });

    test('messages keep their order for one publisher', async () => {
      const topic = `t-${Math.random()}`;
      const sub = received(a, topic);
      await sub.ready;
      for (let i = 0; i < 50; i++) await a.publish(topic, i);
      await settle();
      assert.deepEqual(sub.got, Array.from({ length: 50 }, (_, i) => i));
    });

    test('a subscriber on another bus instance gets it when the bus crosses nodes', async (t) => {
      if (name === 'memory') {
        t.diagnostic('the memory bus is one node by design: instances do not share messages');
        const topic = `t-${Math.random()}`;
        const sub = received(b, topic);
        await sub.ready;
        await a.publish(topic, 'x');
        await settle();
        assert.deepEqual(sub.got, []);
        return;
      }
      const topic = `t-${Math.random()}`;
      const sub = received(b, topic);
      await sub.ready;
      await a.publish(topic, { from: 'a' });
      await settle();
      assert.deepEqual(sub.got, [{ from: 'a' }]);
    });
  });
}
