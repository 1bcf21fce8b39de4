// Starts rrweb recording with Tandem's masking rules and hands batched frames to a transport.
// Loaded only after the customer's trusted click on Share.
import { record } from 'rrweb';
import type { recordOptions } from 'rrweb';
import { EventType, IncrementalSource } from '@rrweb/types';
import type { eventWithTime, RecordPlugin } from '@rrweb/types';
import type { CaptureFrame, CaptureFrameKind, FrameTransport } from './frame-transport.ts';
import { sanitizeEvent, sanitizeFramedEvent } from './event-sanitizer.ts';
import { watchChildFrames, type ChildFrames } from './child-frames.ts';
import { announceField, followInstanceSetters } from './instance-setters.ts';
import { followOptionChoices } from './option-choices.ts';
import { followFormResets } from './form-resets.ts';
import { watchMixedBoxes, type MixedBoxesWatch } from './mixed-boxes.ts';
import { followWindows } from './frame-windows.ts';
import { watchManyChoices } from './many-choices.ts';
import { FOCUS_EVENT, MANY_CHOICES_EVENT, MIXED_BOXES_EVENT, TOP_LAYER_EVENT } from '@tandem/protocol/wire';
import { watchTopLayer, type TopLayerWatch } from './top-layer.ts';
import { watchFocus, type FocusWatch } from './focus-state.ts';
import { CANVAS_BLOCK_SELECTOR, sampleCanvases, type CanvasFrames } from './canvas-frames.ts';
import { sendPageAssets, type PageAssets } from './page-assets.ts';
import { startDriftChecks, type DriftCheckOptions, type DriftChecks } from './drift-check.ts';
import {
  BLOCK_SELECTOR,
  MASK_TEXT_SELECTOR,
  MASKED_INPUT_TYPES,
  maskInputValue,
  rememberPasswordFields,
  stopWatchingTyping,
  watchTyping,
} from './mask-policy.ts';

export interface CaptureOptions {
  transport: FrameTransport;
  // A full snapshot this often bounds how long a replica can stay wrong after any missed delta.
  checkpointEveryMs?: number;
  driftChecks?: DriftCheckOptions;
  /** Origins whose cross-origin frames, running the SDK in child mode, join this page's stream. */
  frameOrigins?: readonly string[];
  /** This page is itself such a child frame: its events go to its parent, who reports top layer,
   *  canvases and checksums for the whole page (their node ids would not survive renumbering). */
  inFrame?: boolean;
}

export interface CaptureHandle {
  takeSnapshot(): void;
  // A named point in the stream (e.g. "control granted"); everything captured before it has been
  // handed to the transport by the time it is.
  addMarker(tag: string, payload?: unknown): void;
  stop(): void;
}

// Gaps are caught by sequence numbers and repaired at once (snapshot on request); the checkpoint
// only heals divergence nothing detected. Every checkpoint is a full snapshot on the wire (≈ 5 KiB
// deflated for a small shop page, hundreds for a large one), so each minute of it cost more than
// all the deltas of a busy minute (bench: bytes on the wire); five minutes keeps the safety net.
const DEFAULT_CHECKPOINT_MS = 5 * 60_000;

type MaskInputOptions = NonNullable<recordOptions<eventWithTime>['maskInputOptions']>;

function maskedInputOptions(): MaskInputOptions {
  const options: Record<string, boolean> = {};
  for (const type of MASKED_INPUT_TYPES) options[type] = true;
  return options as MaskInputOptions;
}

// rrweb's plugin type promises an intersection it never uses; the processor returns the same
// event, or null for one that must not leave (emit below drops it).
function sanitizePlugin(frames: ChildFrames | null): RecordPlugin {
  const process = (event: eventWithTime): eventWithTime | null => {
    const source = frames ? frames.sourceOf(event) : 'own';
    if (source === 'own') return sanitizeEvent(event, record.mirror);
    return source ? sanitizeFramedEvent(event, source) : null;
  };
  return { name: 'tandem/sanitize', options: {}, eventProcessor: process } as RecordPlugin;
}

export function startCapture(options: CaptureOptions): CaptureHandle {
  const { transport } = options;
  let seq = 0;
  let batch: eventWithTime[] = [];
  let batchKind: CaptureFrameKind = 'delta';
  let flushQueued = false;

  const flush = (): void => {
    flushQueued = false;
    if (batch.length === 0) return;
    const frame: CaptureFrame = { kind: batchKind, seq: ++seq, events: batch };
    batch = [];
    batchKind = 'delta';
    transport.send(frame);
  };

  // rrweb emits Meta then FullSnapshot in one synchronous call; grouping a task's events into one
  // frame keeps that pair (and a mutation burst) together, and a snapshot always opens its frame
  // so the relay can keep "latest snapshot + deltas since" by frame alone.
  let topLayer: TopLayerWatch | null = null;
  let focus: FocusWatch | null = null;
  let mixedBoxes: MixedBoxesWatch | null = null;
  let drift: DriftChecks | null = null;
  let canvases: CanvasFrames | null = null;
  let frames: ChildFrames | null = null;
  let assets: PageAssets | null = null;
  const emit = (event: eventWithTime | null): void => {
    if (!event) return;
    if (event.type === EventType.Meta) {
      flush();
      batchKind = 'snapshot';
    }
    batch.push(event);
    assets?.note(event);
    // After the snapshot's frame has gone (its flush was queued first): what is in the top layer
    // and what has focus.
    if (event.type === EventType.FullSnapshot) {
      canvases?.afterSnapshot();
      assets?.afterSnapshot();
      queueMicrotask(() => {
        topLayer?.afterSnapshot();
        focus?.afterSnapshot();
        mixedBoxes?.afterSnapshot();
      });
      // Each replica built from this snapshot has every cross-origin frame empty until it sends its page.
      queueMicrotask(() => frames?.announce());
    }
    if (event.type === EventType.FullSnapshot || event.type === EventType.IncrementalSnapshot) drift?.noteActivity();
    flushSoon(event);
  };
  // A field's input event waits for the end of its task: rrweb emits it from its listener, and the
  // browser runs the microtasks after each listener, before the page's own listener changes the
  // page in answer (a count, a list of suggestions). Flushed at once, every key cost two frames
  // (two compressions, two messages to the worker and back, two sends); now the page's answer,
  // flushed at its mutation observer's microtask, takes the input event along, and a key with no
  // answer goes on the next task.
  let inputFlushQueued = false;
  const flushInputs = (): void => {
    inputFlushQueued = false;
    flush();
  };
  const flushSoon = (event: eventWithTime): void => {
    if (event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Input && batchKind === 'delta') {
      if (!flushQueued && !inputFlushQueued) {
        inputFlushQueued = true;
        setTimeout(flushInputs, 0);
      }
      return;
    }
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flush);
    }
  };

  rememberPasswordFields(document);
  watchTyping(document);
  // Only a top-level page gathers frames: in a framed page rrweb would post its own events to the
  // parent, to any origin, instead of emitting them.
  const inFrame = options.inFrame === true;
  const gathersFrames = !inFrame && window.parent === window && (options.frameOrigins?.length ?? 0) > 0;
  if (gathersFrames) frames = watchChildFrames(document, options.frameOrigins!);
  // Before record(): the first snapshot is emitted inside it. Reads finish later, while recording.
  assets = sendPageAssets(document, (id) => record.mirror.getNode(id), (tag, frame) => record.addCustomEvent(tag, frame));
  // Tandem's own prompts and banner (a closed shadow root) are not part of the customer's page.
  // Canvases are blocked too (boxes of their size); opted-in ones are painted from pictures.
  const blockSelector = `${BLOCK_SELECTOR}, [data-tandem-ui], ${CANVAS_BLOCK_SELECTOR}`;
  const stopRecording = record({
    emit,
    maskInputOptions: maskedInputOptions(),
    maskInputFn: maskInputValue,
    maskTextSelector: MASK_TEXT_SELECTOR,
    blockSelector,
    // The customer's pointer travels on its own light channel (POINTER frames), not in deltas.
    sampling: { mousemove: false },
    recordAfter: 'DOMContentLoaded',
    recordCrossOriginIframes: gathersFrames,
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
    checkoutEveryNms: options.checkpointEveryMs ?? DEFAULT_CHECKPOINT_MS,
    plugins: [sanitizePlugin(frames)],
  });

  // The first snapshot (taken inside record(), or at DOMContentLoaded) reports through emit above.
  if (!inFrame) {
    topLayer = watchTopLayer(document, (node) => record.mirror.getId(node), (state) => record.addCustomEvent(TOP_LAYER_EVENT, state));
    mixedBoxes = watchMixedBoxes(document, (node) => record.mirror.getId(node), (state) => record.addCustomEvent(MIXED_BOXES_EVENT, state));
    focus = watchFocus(document, (node) => record.mirror.getId(node), blockSelector, (state) => record.addCustomEvent(FOCUS_EVENT, state));
    canvases = sampleCanvases(document, (node) => record.mirror.getId(node), (tag, frame) => record.addCustomEvent(tag, frame));
    drift = startDriftChecks(document, (node) => record.mirror.getId(node), (tag, check) => record.addCustomEvent(tag, check), options.driftChecks);
  }

  // Once rrweb has hooked the prototypes' setters (see instance-setters.ts): at once, or, on a page
  // still loading, right after rrweb starts at DOMContentLoaded (its listener was added first); in
  // the page's window and in each same-origin frame's, which has prototypes of its own.
  let unfollowSetters = (): void => {};
  // A page in a cross-origin frame names nodes by ids of its own, which its parent's stream does
  // not remap inside custom events: like the top layer and focus, reported by the top page only.
  const manyChoices = watchManyChoices((node) => (inFrame ? -1 : record.mirror.getId(node)),
    (choices) => record.addCustomEvent(MANY_CHOICES_EVENT, choices));
  // One announcement for a field changed without an event rrweb hears: a single value through
  // rrweb's hook (a multiple select is skipped there), a multiple select's options in a report.
  const announce = (field: Element): void => {
    announceField(field);
    manyChoices.changed(field);
  };
  const followSetters = (): void => {
    unfollowSetters = followWindows(window, (win) => {
      const unfollowOwn = followInstanceSetters(win.document);
      const unfollowOptions = followOptionChoices(win, announce);
      const unfollowResets = followFormResets(win, announce);
      const unfollowMixed = mixedBoxes?.follow(win);
      const unfollowMany = manyChoices.follow(win.document);
      return () => {
        unfollowMany();
        unfollowMixed?.();
        unfollowResets();
        unfollowOptions();
        unfollowOwn();
      };
    });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', followSetters, { once: true });
  else followSetters();

  transport.onSnapshotRequest(() => record.takeFullSnapshot(true));

  return {
    takeSnapshot() {
      record.takeFullSnapshot(true);
    },
    addMarker(tag, payload = null) {
      record.addCustomEvent(tag, payload);
    },
    stop() {
      document.removeEventListener('DOMContentLoaded', followSetters);
      unfollowSetters();
      manyChoices.stop();
      topLayer?.stop();
      focus?.stop();
      mixedBoxes?.stop();
      drift?.stop();
      canvases?.stop();
      frames?.stop();
      assets?.stop();
      stopRecording?.();
      stopWatchingTyping();
      flush();
      transport.close();
    },
  };
}
