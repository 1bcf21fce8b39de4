// The console's state machine and its view, in Node: each transition the element relies on, and
// what the agent sees for it, without a browser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentServerMessage, AgentView, SessionEndReason } from '@tandem/protocol';
import { claimCode, CONTROL_WAIT_MS, controlPress, effects, END_CONFIRM_MS, endPress, initialState, reduce } from './console-model.ts';
import type { ConsoleEvent, ConsoleState } from './console-model.ts';
import { consoleFormats } from './console-locale.ts';
import { timelineView, view } from './console-view.ts';
import { en } from './locales/en.ts';
import de from './locales/de.ts';

const NOW = Date.parse('2026-03-04T10:00:00Z');
const env = { now: NOW, t: en, format: consoleFormats('en-GB') };

const baseView: AgentView = {
  conversationId: 'call-1',
  conversationState: 'connected',
  customerName: 'Jo',
  agentName: 'Sam',
  invite: null,
  session: null,
  customerLink: null,
};
const active = (control = false, id = 's1'): AgentView => ({
  ...baseView,
  invite: { id: 'i1', state: 'accepted', code: '1234567890', phrase: 'blue fox', expiresAt: new Date(NOW + 60_000).toISOString(), deliveries: [] },
  session: { id, state: 'active', control, endReason: null },
  customerLink: 'connected',
});
const ended = (reason: SessionEndReason): AgentView => ({ ...active(), session: { id: 's1', state: 'ended', control: false, endReason: reason } });
const server = (message: AgentServerMessage): ConsoleEvent => ({ type: 'server', message });
const viewMsg = (v: AgentView): ConsoleEvent => server({ type: 'view', view: v });

function run(...events: ConsoleEvent[]): ConsoleState {
  return events.reduce(reduce, initialState);
}

describe('link and call', () => {
  test('before the first view: loading, connecting, nothing to press', () => {
    const v = view(initialState, env);
    assert.deepEqual(v.call, { text: 'Loading call…', tone: 'neutral' });
    assert.deepEqual(v.link, { text: 'Connecting to Tandem…', tone: 'progress' });
    assert.equal(v.invite.button.disabled, true);
    assert.equal(v.invite.hint, '');
    assert.equal(v.end.disabled, true);
    assert.equal(v.tool, 'none');
  });

  test('live with a connected call: the invite can be sent; dialling and ended calls say so', () => {
    const s = run({ type: 'link', state: 'live' }, viewMsg(baseView));
    const v = view(s, env);
    assert.deepEqual(v.call, { text: 'On call with Jo', tone: 'good' });
    assert.equal(v.invite.button.disabled, false);
    assert.equal(v.invite.panel, 'idle');
    assert.match(v.invite.hint, /Nothing is shared until they accept/);
    const dialling = view(reduce(s, viewMsg({ ...baseView, conversationState: 'dialing', customerName: null })), env);
    assert.deepEqual(dialling.call, { text: 'Dialling the customer…', tone: 'progress' });
    assert.equal(dialling.invite.hint, 'Available while the call is connected.');
  });

  test('an invite sent is "sending" until the next view or an error', () => {
    let s = run({ type: 'link', state: 'live' }, viewMsg(baseView), { type: 'invite.sent', sent: true });
    assert.equal(view(s, env).invite.button.text, 'Sending invite…');
    assert.equal(view(s, env).invite.button.disabled, true);
    s = reduce(s, server({ type: 'error', code: 'x', message: 'No channel can reach this customer' }));
    assert.equal(s.inviteSending, false);
    assert.deepEqual(view(s, env).notice, { text: 'No channel can reach this customer', tone: 'bad' });
  });
});

/** An invite out, waiting for the customer. */
const pending: AgentView = {
  // (shared with the claim tests below)
  ...baseView,
  invite: {
    id: 'i1', state: 'delivered', code: '1234567890', phrase: 'blue fox',
    expiresAt: new Date(NOW + 125_000).toISOString(), deliveries: [{ channel: 'sms', state: 'delivered' }],
  },
};

describe('invite', () => {

  test('a pending invite shows its code, phrase, state, countdown and deliveries', () => {
    const v = view(run({ type: 'link', state: 'live' }, viewMsg(pending)), env);
    assert.equal(v.invite.panel, 'pending');
    assert.deepEqual(v.invite.pending, {
      state: { text: 'Waiting for the customer', tone: 'progress' },
      expiry: 'Expires in 2:05',
      codeHidden: false,
      code: '123 456 7890',
      codeLabel: 'Code 1 2 3 4 5 6 7 8 9 0',
      phrase: 'blue fox',
      deliveries: [{ text: 'Text message · delivered', tone: 'good', title: null }],
    });
  });

  test('past its expiry it is no longer read out, whatever the server says yet', () => {
    const v = view(run(viewMsg(pending)), { ...env, now: NOW + 126_000 });
    assert.equal(v.invite.panel, 'idle');
    assert.equal(v.invite.hint, 'Last invite: expired. You can send another.');
  });

  test('in German: the state, the countdown, the hint', () => {
    const declined = run({ type: 'link', state: 'live' }, viewMsg({ ...pending, invite: { ...pending.invite!, state: 'declined' } }));
    const v = view(declined, { ...env, t: de, format: consoleFormats('de') });
    assert.equal(v.invite.hint, 'Letzte Einladung: abgelehnt. Sie können eine weitere senden.');
    assert.equal(v.invite.button.text, 'Zum Co-Browsing einladen');
  });
});

describe('claiming a code', () => {
  test('the typed code is cleaned and checked before it is sent', () => {
    assert.equal(claimCode(' 123-456 7890 '), '1234567890');
    assert.equal(claimCode('12'), null);
    assert.equal(claimCode('12345!'), null);
  });

  test('checking, then accepted when a new session starts (and the input is cleared)', () => {
    const checking = run({ type: 'link', state: 'live' }, viewMsg(baseView), { type: 'claim.sent', sent: true });
    assert.deepEqual(view(checking, env).claimMessage, { text: 'Checking the code…', tone: 'neutral' });
    const accepted = reduce(checking, viewMsg(active()));
    assert.deepEqual(view(accepted, env).claimMessage, { text: 'Code accepted: the customer is sharing.', tone: 'good' });
    assert.deepEqual(effects(checking, accepted), ['clear-claim-input']);
  });

  test('a code that makes an invite: accepted, and the invite\'s own code is not shown', () => {
    const checking = run({ type: 'link', state: 'live' }, viewMsg(baseView), { type: 'claim.sent', sent: true });
    const claimed = reduce(checking, viewMsg(pending));
    assert.equal(view(claimed, env).claimMessage?.text, 'Code accepted: the customer\'s screen now asks them to share.');
    assert.equal(view(claimed, env).invite.pending?.codeHidden, true);
    assert.deepEqual(effects(checking, claimed), ['clear-claim-input']);
    const sent = reduce(claimed, viewMsg({ ...pending, invite: { ...pending.invite!, id: 'i2' } }));
    assert.equal(view(sent, env).invite.pending?.codeHidden, false);
  });

  test('a link refused for another signed-in customer: the invite is not "being looked at"', () => {
    const opened = run({ type: 'link', state: 'live' }, viewMsg({ ...pending, invite: { ...pending.invite!, state: 'opened' } }));
    const event = { seq: 9, type: 'invite.link_refused', occurredAt: new Date(NOW).toISOString(), data: { reason: 'signed_in_as_another_customer' } };
    const refused = reduce(opened, server({ type: 'event', event }));
    assert.deepEqual(view(refused, env).invite.pending?.state, { text: 'Refused: another customer signed in', tone: 'bad' });
    assert.equal(timelineView(refused, env)[0]?.label, 'Refused: opened where another customer is signed in');
  });

  test('an error while checking goes to the code\'s line, not the notice; offline and invalid say so', () => {
    const failed = run({ type: 'claim.sent', sent: true }, server({ type: 'error', code: 'invalid_code', message: 'That code is not valid' }));
    assert.deepEqual(view(failed, env).claimMessage, { text: 'That code is not valid', tone: 'bad' });
    assert.equal(failed.notice, null);
    assert.equal(view(run({ type: 'claim.sent', sent: false }), env).claimMessage?.text, 'Not connected: try again in a moment.');
    assert.equal(view(run({ type: 'claim.invalid' }), env).claimMessage?.text, 'Type the code exactly as the customer reads it.');
  });
});

describe('replica and tools', () => {
  const sharing = () => run({ type: 'link', state: 'live' }, viewMsg(active()), { type: 'snapshot.shown' });

  test('usable only while sharing, shown and live; pointer first', () => {
    assert.equal(view(run({ type: 'link', state: 'live' }, viewMsg(active())), env).tool, 'none');
    const v = view(sharing(), env);
    assert.equal(v.tool, 'pointer');
    assert.equal(v.toolsDisabled, false);
    assert.equal(v.empty.shown, false);
    assert.equal(v.customer.text, 'Customer connected');
    assert.equal(view(reduce(sharing(), { type: 'link', state: 'reconnecting' }), env).tool, 'none');
  });

  test('tools toggle and say what they do', () => {
    let s = reduce(sharing(), { type: 'tool.toggle', tool: 'highlight' });
    assert.equal(view(s, env).tool, 'highlight');
    assert.match(view(s, env).notice!.text, /^Highlight: click something/);
    s = reduce(s, { type: 'tool.toggle', tool: 'highlight' });
    assert.equal(view(s, env).tool, 'none');
    assert.equal(view(s, env).notice!.text, 'Tools off: you are watching only.');
  });

  test('the replica goes with its session: ended, or a different one', () => {
    const s = sharing();
    const after = reduce(s, viewMsg(ended('customer_stopped')));
    assert.deepEqual(effects(s, after), ['clear-replica']);
    const v = view(after, env);
    assert.equal(v.empty.title, 'Cobrowse ended');
    assert.equal(v.empty.text, 'The customer stopped sharing. Send a new invite to cobrowse again.');
    assert.deepEqual(effects(s, reduce(s, viewMsg(active(false, 's2')))), ['clear-replica']);
  });

  test('the veil: stale while reconnecting, except for a snapshot from this connection', () => {
    const s = sharing();
    assert.equal(view(reduce(s, { type: 'link', state: 'reconnecting' }), env).veil, 'Reconnecting to Tandem… the screen may be out of date.');
    const fresh = run({ type: 'connecting' }, viewMsg(active()), { type: 'snapshot.shown' });
    assert.equal(view(fresh, env).veil, null);
    assert.equal(view(reduce(s, server({ type: 'customer.link', state: 'gone' })), env).veil, 'The customer has left the page.');
  });

  test('viewport in the agent\'s numbers', () => {
    const s = reduce(sharing(), { type: 'viewport', viewport: { width: 1280, height: 720, scale: 0.5, fit: false } });
    assert.equal(view(s, env).viewport.text, '1280 × 720 · 50%');
    assert.equal(view(s, { ...env, t: de, format: consoleFormats('de') }).viewport.text, '1280 × 720 · 50\u00a0%');
  });
});

describe('control', () => {
  const sharing = () => run({ type: 'link', state: 'live' }, viewMsg(active()), { type: 'snapshot.shown' });

  test('request, wait, granted (focus moves to the replica), taken back', () => {
    let s = sharing();
    assert.equal(controlPress(s), 'request');
    s = reduce(s, { type: 'control.requested', sessionId: 's1', at: NOW });
    let v = view(s, env);
    assert.equal(v.control.text, 'Waiting for customer…');
    assert.equal(v.control.disabled, true);
    assert.equal(view(s, { ...env, now: NOW + CONTROL_WAIT_MS }).control.text, 'Request control');
    const granted = reduce(s, viewMsg(active(true)));
    assert.deepEqual(effects(s, granted), ['focus-replica']);
    v = view(granted, env);
    assert.equal(v.tool, 'control');
    assert.equal(v.control.pressed, true);
    assert.match(v.notice!.text, /^Control granted\. Remote control: click a field/);
    assert.equal(controlPress(granted), 'toggle');
    assert.equal(view(reduce(granted, { type: 'tool.toggle', tool: 'control' }), env).tool, 'pointer');
    const back = reduce(granted, viewMsg(active(false)));
    assert.equal(view(back, env).tool, 'pointer');
    assert.equal(view(back, env).notice!.text, 'The customer took back control.');
  });

  test('a "not now" ends the wait at once', () => {
    const s = run({ type: 'link', state: 'live' }, viewMsg(active()), { type: 'snapshot.shown' }, { type: 'control.requested', sessionId: 's1', at: NOW });
    const event = { seq: 1, type: 'session.control_declined', occurredAt: new Date(NOW).toISOString(), data: {} };
    const declined = reduce(s, server({ type: 'event', event }));
    assert.equal(view(declined, env).control.text, 'Request control');
  });

  test('a refused command says why in a sentence, never the page\'s code', () => {
    const s = reduce(sharing(), server({ type: 'control.result', id: 3, ok: false, error: 'masked_field' }));
    assert.match(view(s, env).notice!.text, /^That field is private on the customer's page/);
    assert.equal(view(s, { ...env, t: de }).notice!.text.startsWith('Dieses Feld ist auf der Seite des Kunden privat'), true);
    const unknown = reduce(sharing(), server({ type: 'control.result', id: 4, ok: false, error: 'weird_code' }));
    assert.equal(view(unknown, env).notice!.text, 'The customer\'s page could not do that. Try again, or ask the customer to do it.');
  });
});

describe('ending', () => {
  test('two presses within the confirmation time end it; later it asks again', () => {
    const s = run({ type: 'link', state: 'live' }, viewMsg(active()));
    assert.equal(endPress(s, NOW), 'arm');
    const armed = reduce(s, { type: 'end.press', now: NOW });
    assert.equal(view(armed, env).end.text, 'Confirm end');
    assert.equal(view(armed, env).notice!.text, 'Press "Confirm end" to stop cobrowsing.');
    assert.equal(endPress(armed, NOW + 1_000), 'end');
    assert.equal(endPress(armed, NOW + END_CONFIRM_MS + 1), 'arm');
    assert.equal(view(armed, { ...env, now: NOW + END_CONFIRM_MS + 1 }).end.text, 'End session');
    assert.equal(reduce(armed, { type: 'end.press', now: NOW + 1_000 }).endArmedUntil, 0);
  });
});

describe('timeline', () => {
  test('by seq, a resent event replacing its first copy, in the agent\'s language and clock', () => {
    const ev = (seq: number, type: string, data: Record<string, unknown> = {}): ConsoleEvent =>
      server({ type: 'event', event: { seq, type, occurredAt: '2026-03-04T15:07:09Z', data } });
    const s = run(
      ev(3, 'invite.delivered', { channel: 'sms' }),
      ev(1, 'conversation.updated', { state: 'connected' }),
      ev(2, 'invite.created', { channels: ['push', 'sms'] }),
      ev(3, 'invite.delivered', { channel: 'sms' }),
    );
    assert.deepEqual(s.timeline.map((e) => e.seq), [1, 2, 3]);
    const rows = timelineView(s, { t: de, format: consoleFormats('de') });
    assert.deepEqual(rows.map((r) => [r.label, r.detail]), [
      ['Anruf verbunden', null],
      ['Einladung erstellt', 'per Webseite, Textnachricht'],
      ['Zugestellt per Textnachricht', null],
    ]);
    assert.match(rows[0]!.time, /^\d\d:07:09$/);
  });
});
