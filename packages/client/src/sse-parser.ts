/** One dispatched Server-Sent Event. */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id seen on the stream when this event was dispatched. */
  id: string | undefined;
}

const LINE_END = /\r\n|\r|\n/g;

/**
 * Incremental parser for the text/event-stream format (WHATWG HTML §9.2.6). Feed it decoded text
 * in chunks of any size; it returns the events completed by each chunk. Comments (the server's
 * `: heartbeat`) produce nothing.
 */
export class SseParser {
  /**
   * Committed only when an event is dispatched, as the spec says: an event cut off by a dropped
   * connection must not advance the id we resume from, or that event would be skipped.
   */
  lastEventId: string | undefined;
  /** Reconnection delay the server asked for with a `retry:` field. */
  retryMs: number | undefined;

  private buffer = '';
  /** The previous chunk ended in CR: a LF starting this one finishes that same line break. */
  private endedWithCr = false;
  private idBuffer: string | undefined;
  private eventType = '';
  private data: string[] = [];

  push(chunk: string): SseMessage[] {
    if (chunk === '') return [];
    const text = this.endedWithCr && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
    this.buffer += text;
    const messages: SseMessage[] = [];
    let start = 0;
    LINE_END.lastIndex = 0;
    for (let m = LINE_END.exec(this.buffer); m; m = LINE_END.exec(this.buffer)) {
      const message = this.line(this.buffer.slice(start, m.index));
      if (message) messages.push(message);
      start = m.index + m[0].length;
    }
    this.endedWithCr = this.buffer.endsWith('\r');
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    if (this.idBuffer !== undefined) this.lastEventId = this.idBuffer;
    const data = this.data;
    const event = this.eventType || 'message';
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return undefined;
    return { event, data: data.join('\n'), id: this.lastEventId };
  }
}
