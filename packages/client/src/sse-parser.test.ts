import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from './sse-parser.ts';

const STREAM = ': heartbeat\n\nid: 1\nevent: invite.created\ndata: {"seq":1}\n\nid: 2\nevent: session.started\ndata: {"seq":2}\n\n';

describe('SseParser', () => {
  it('parses events and skips comments', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(STREAM), [
      { event: 'invite.created', data: '{"seq":1}', id: '1' },
      { event: 'session.started', data: '{"seq":2}', id: '2' },
    ]);
  });

  it('gives the same events however the text is split', () => {
    const whole = new SseParser().push(STREAM);
    for (const size of [1, 2, 3, 7, 13]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < STREAM.length; i += size) events.push(...parser.push(STREAM.slice(i, i + size)));
      assert.deepEqual(events, whole, `chunks of ${size}`);
    }
  });

  it('accepts CRLF and CR line ends, also when CRLF is split across chunks', () => {
    const parser = new SseParser();
    const events = [...parser.push('data: a\r'), ...parser.push('\n\r'), ...parser.push('\ndata: b\r\r')];
    assert.deepEqual(events.map((e) => e.data), ['a', 'b']);
  });

  it('joins multi-line data, defaults the event name and strips only one space', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data:  x\ndata:y\n\n'), [{ event: 'message', data: ' x\ny', id: undefined }]);
  });

  it('commits the id only when its event is complete', () => {
    const parser = new SseParser();
    parser.push('id: 1\ndata: one\n\n');
    parser.push('id: 2\ndata: tw');
    assert.equal(parser.lastEventId, '1', 'a cut-off event must not move the resume point');
    parser.push('o\n\n');
    assert.equal(parser.lastEventId, '2');
  });

  it('keeps the last id for events without one and reads retry', () => {
    const parser = new SseParser();
    const events = parser.push('id: 5\ndata: a\n\ndata: b\n\nretry: 2500\nretry: soon\n\n');
    assert.deepEqual(events.map((e) => e.id), ['5', '5']);
    assert.equal(parser.retryMs, 2500);
  });
});
