// A cross-origin frame (a payment widget, embedded help) whose script tag names the pages that
// may embed it (data-parent-origins): no socket, no prompt, nothing recorded. The frame waits for
// its parent's Tandem, from one of those origins, to say that the customer shares; only then is
// capture loaded, and it records this page for the parent (capture/parent-link.ts).
import type { CaptureBundle } from '../share-contract.ts';

export function joinParent(server: string, parents: string[]): void {
  let bundle: Promise<CaptureBundle> | undefined;
  addEventListener('message', (e: MessageEvent<{ tandemFrame?: string } | null>) => {
    const kind = e.data?.tandemFrame;
    if (e.source !== parent || !parents.includes(e.origin) || !(bundle || kind === 'start')) return;
    void (bundle ??= import(`${server}/sdk/capture.js`)).then((m) => m.frameMessage(kind, e.origin));
  });
}
