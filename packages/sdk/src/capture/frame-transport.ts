// The seam between capture and whatever carries frames off the page: a plain WebSocket to a test
// sink today, the session relay later. Frames follow the relay's header-plus-opaque-body shape:
// the relay routes on `kind` and `seq` and never reads `events`.
import type { eventWithTime } from '@rrweb/types';

export type CaptureFrameKind = 'snapshot' | 'delta';

export interface CaptureFrame {
  kind: CaptureFrameKind;
  // per-session and gap-free, so a receiver can tell it missed something and ask for a snapshot
  seq: number;
  events: eventWithTime[];
}

export interface FrameTransport {
  send(frame: CaptureFrame): void;
  // called by the transport when the receiver needs a fresh full snapshot (gap, late joiner)
  onSnapshotRequest(listener: () => void): void;
  close(): void;
}
