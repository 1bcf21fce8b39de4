// The deltas' second deflate stream, run on the page's main thread (bundled apart as
// inline-deflate.js and imported by delta-frames.ts once sharing starts, so pako stays out of the
// capture bundle). Only small deltas use it: see delta-frames.ts.
export { FrameDeflater } from '@tandem/protocol/frame-stream';
