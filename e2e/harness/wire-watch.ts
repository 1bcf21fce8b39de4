// What the page put on the network, as Chromium itself saw it (CDP), independent of any server
// we run: WebSocket frames sent and request bodies. This is the check "nothing on the wire" uses.
import type { Page } from 'playwright-core';

export interface WireWatch {
  sent(): string[];
  stop(): Promise<void>;
}

export async function watchWire(page: Page): Promise<WireWatch> {
  const session = await page.context().newCDPSession(page);
  const sent: string[] = [];
  session.on('Network.webSocketFrameSent', (event) => sent.push(event.response.payloadData));
  session.on('Network.requestWillBeSent', (event) => {
    sent.push(event.request.url);
    if (event.request.postData) sent.push(event.request.postData);
  });
  await session.send('Network.enable');
  return {
    sent: () => sent.slice(),
    stop: () => session.detach(),
  };
}
