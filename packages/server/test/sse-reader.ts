/** Reads a Server-Sent Events response into messages, for tests. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export async function openSse(url: string, token: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const messages: SseMessage[] = [];
  let comments = 0;
  const listeners: (() => void)[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let idx;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const m: SseMessage = { data: '' };
          let isData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments++;
            else if (line.startsWith('id: ')) m.id = line.slice(4);
            else if (line.startsWith('event: ')) m.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              m.data += line.slice(6);
              isData = true;
            }
          }
          if (isData) messages.push(m);
          listeners.splice(0).forEach((l) => l());
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    messages,
    get comments() {
      return comments;
    },
    async waitForCount(n: number, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > end) throw new Error(`SSE: ${messages.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          listeners.push(r);
          setTimeout(r, 100);
        });
      }
      return messages;
    },
    close: () => controller.abort(),
  };
}
