// What runs once the customer said yes: rrweb capture streamed to the relay, the customer's
// pointer on its own light channel, the agent's pointer and highlight drawn on the page, and the
// agent's control commands executed while (and only while) control is granted.
import { record } from 'rrweb';
import type { eventWithTime } from '@rrweb/types';
import type { ShareHandle, ShareOptions } from '../share-contract.ts';
import { createAgentOverlay } from './agent-overlay.ts';
import { executeControl } from './control-executor.ts';
import type { CaptureFrame, FrameTransport } from './frame-transport.ts';
import { openRelayStream } from './relay-stream.ts';
import { startCapture, type CaptureHandle } from './start-capture.ts';
import { pageFrameOrigins } from './frame-origins.ts';

export function startSharing(options: ShareOptions): ShareHandle {
  const { hooks } = options;
  let capture: CaptureHandle | null = null;
  let control = false;
  let stopped = false;
  const overlay = createAgentOverlay(options.overlayRoot, record.mirror);

  const stream = openRelayStream({
    server: options.server,
    token: options.captureToken,
    resume: options.resume,
    onReady(info) {
      control = info.control;
      overlay.setAgentName(info.agentName);
      hooks.onReady(info);
      // Every connection starts over from a full snapshot (the relay drops what it cached).
      if (capture) capture.takeSnapshot();
      // Cross-origin frames on the origins the site named on the SDK's script tag join the stream.
      else capture = startCapture({ transport, frameOrigins: pageFrameOrigins(document) });
    },
    onMessage(m) {
      switch (m.type) {
        case 'snapshot.request':
          return capture?.takeSnapshot();
        case 'agent.pointer':
          return overlay.pointer(m.x, m.y, m.visible);
        case 'agent.highlight':
          return overlay.highlight(m.nodeId);
        case 'control.request':
          return hooks.onControlRequest();
        case 'control.state':
          control = m.control;
          return;
        case 'control.command': {
          const outcome = control ? executeControl(m.command, record.mirror) : { ok: false as const, error: 'control_not_granted' };
          return stream.sendJson({ type: 'control.result', id: m.id, ...outcome });
        }
      }
    },
    onEnded(reason) {
      teardown();
      hooks.onEnded(reason);
    },
    onReconnecting() {
      overlay.clear();
      hooks.onLink('reconnecting');
    },
  });

  const transport: FrameTransport = {
    send: (frame: CaptureFrame) => stream.sendEvents(frame.kind, frame.events as eventWithTime[]),
    onSnapshotRequest: () => undefined,
    close: () => undefined,
  };

  // The customer's pointer, in page coordinates, at most once per animation frame and never
  // batched with DOM changes (rrweb's own mouse sampling is off in start-capture).
  let last: { x: number; y: number } | null = null;
  let pointerFrame = 0;
  const onMove = (e: MouseEvent) => {
    last = { x: e.pageX, y: e.pageY };
    if (!pointerFrame) {
      pointerFrame = requestAnimationFrame(() => {
        pointerFrame = 0;
        if (last) stream.sendPointer(last.x, last.y);
      });
    }
  };
  addEventListener('mousemove', onMove, { passive: true, capture: true });

  function teardown() {
    if (stopped) return;
    stopped = true;
    control = false;
    removeEventListener('mousemove', onMove, { capture: true });
    cancelAnimationFrame(pointerFrame);
    capture?.stop();
    capture = null;
    overlay.destroy();
  }

  return {
    setControl(on) {
      control = on;
    },
    stop() {
      teardown();
      stream.close();
    },
  };
}
