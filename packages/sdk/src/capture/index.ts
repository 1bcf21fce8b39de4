export { startCapture } from './start-capture.ts';
export type { CaptureHandle, CaptureOptions } from './start-capture.ts';
export { startSharing } from './share-session.ts';
export { frameMessage } from './parent-link.ts';
export { webSocketTransport } from './websocket-transport.ts';
export type { CaptureFrame, CaptureFrameKind, FrameTransport } from './frame-transport.ts';
export {
  BLOCK_ATTRIBUTE,
  MASK_ATTRIBUTE,
  UNMASK_ATTRIBUTE,
} from './mask-policy.ts';
