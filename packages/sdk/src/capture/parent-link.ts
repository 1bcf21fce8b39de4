// The child frame's side (a payment widget on its own origin, embedded in the sharing page): the
// loader (loader/frame-child.ts) hands over what the parent's Tandem said, from an origin the
// frame's script tag allows. On 'start' this page is recorded with the same masking as any shared
// page, in this frame, and each event is posted to that parent origin alone (never '*'); a later
// 'start' (the parent took a new snapshot, e.g. for an agent who joined) sends a fresh snapshot;
// 'stop' ends recording and nothing more is posted. The frame opens no socket of its own.
import type { eventWithTime } from '@rrweb/types';
import type { FrameTransport } from './frame-transport.ts';
import { startCapture, type CaptureHandle } from './start-capture.ts';

let recording: { capture: CaptureHandle; parentOrigin: string; stopped: { value: boolean } } | null = null;

// The message shape rrweb's recorder in the parent reads (what its own child mode would post).
function postToParent(parentOrigin: string, stopped: { value: boolean }): FrameTransport {
  return {
    send(frame) {
      if (stopped.value) return;
      for (const event of frame.events as eventWithTime[]) {
        parent.postMessage({ type: 'rrweb', event, origin: location.origin, isCheckout: false }, parentOrigin);
      }
    },
    onSnapshotRequest: () => undefined,
    close: () => undefined,
  };
}

function stopRecording(): void {
  if (!recording) return;
  const { capture, stopped } = recording;
  recording = null;
  // Whatever capture still had batched stays here: the parent no longer shares.
  stopped.value = true;
  capture.stop();
}

export function frameMessage(kind: string | undefined, parentOrigin: string): void {
  if (window.parent === window) return;
  if (kind === 'stop') return stopRecording();
  if (kind !== 'start') return;
  if (recording?.parentOrigin === parentOrigin) return recording.capture.takeSnapshot();
  stopRecording();
  const stopped = { value: false };
  recording = { capture: startCapture({ transport: postToParent(parentOrigin, stopped), inFrame: true }), parentOrigin, stopped };
}
