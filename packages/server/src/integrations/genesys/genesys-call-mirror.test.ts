import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mirrorCall, upsertFor } from './genesys-call-mirror.ts';

const call = (customer: string, agents: string[], extra: object[] = []) => ({
  id: 'c1',
  participants: [
    { id: 'p0', purpose: 'customer', state: customer, address: 'tel:+14155550123' },
    ...agents.map((s, i) => ({ id: `a${i}`, purpose: 'agent', state: s, user: { id: `u${i}` } })),
    ...extra,
  ],
});

test('a call is dialing, then connected with customer and agent, then disconnected when either leaves', () => {
  assert.deepEqual(mirrorCall(call('dialing', [])), { state: 'dialing', customerPhone: '+14155550123', agentUserId: null });
  assert.deepEqual(mirrorCall(call('connected', ['alerting'])), { state: 'dialing', customerPhone: '+14155550123', agentUserId: null });
  assert.deepEqual(mirrorCall(call('connected', ['connected'])), { state: 'connected', customerPhone: '+14155550123', agentUserId: 'u0' });
  assert.equal(mirrorCall(call('disconnected', ['connected']))!.state, 'disconnected');
  assert.equal(mirrorCall(call('connected', ['disconnected']))!.state, 'disconnected');
  assert.equal(mirrorCall(call('terminated', []))!.state, 'disconnected');
  assert.equal(mirrorCall(call('connected', ['disconnected', 'connected']))!.agentUserId, 'u1', 'a transfer: the connected agent counts');
});

test('a participant state nested in its call legs is read; a call without a customer is none of ours', () => {
  const nested = { id: 'c2', participants: [{ purpose: 'customer', calls: [{ state: 'connected' }], address: 'tel:+442071234567' },
    { purpose: 'agent', calls: [{ state: 'connected' }], user: { id: 'u9' } }] };
  assert.deepEqual(mirrorCall(nested), { state: 'connected', customerPhone: '+442071234567', agentUserId: 'u9' });
  assert.equal(mirrorCall({ id: 'c3', participants: [{ purpose: 'agent', state: 'connected', user: { id: 'u1' } }] }), null);
  assert.equal(mirrorCall({ id: 'c4', participants: [{ purpose: 'customer', state: 'connected', address: 'sip:anonymous@example' }] })!.customerPhone, null);
});

test('calls only move forward, and a call first seen over is not created', () => {
  const m = mirrorCall(call('connected', ['connected']))!;
  assert.deepEqual(upsertFor(m, null, 'Dana'), { state: 'connected', customer: { phone: '+14155550123' }, agent: { id: 'u0', name: 'Dana' } });
  assert.equal(upsertFor(m, 'disconnected', 'Dana'), null);
  assert.equal(upsertFor(mirrorCall(call('disconnected', []))!, null, null), null);
  assert.equal(upsertFor(mirrorCall(call('connected', ['alerting']))!, 'connected', null)!.state, 'connected', 'no step back to dialing');
});
