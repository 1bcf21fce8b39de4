// The first snapshot the console page's socket brings, pictured by the page's inline boot script
// (console-boot.ts) as soon as it arrives. Otherwise the picture would wait for the page's module
// scripts, which the browser fetches only once the page has parsed and which a server busy
// answering the socket serves tens of milliseconds later (traced: the snapshot was in at 85-136 ms
// from navigation, console-link.js ran at 140-230 ms; bench: agent join). The console's link takes
// the view over (early-link.ts): a snapshot it reads again is kept, not drawn twice.
import { FRAME_KIND, MAX_INFLATED_FRAME_BYTES, decodeFrameHeader, frameBody } from '@tandem/protocol/wire';
import type { EarlyView } from './early-view.ts';
import { inflateSnapshot, parseEvents } from './snapshot-read.ts';

/**
 * Reads `data` if it is a snapshot frame and pictures it, unless the view has been given a
 * snapshot meanwhile: the console's link, which takes the view over with the socket, reads the
 * same frame again and shows it and any later one; whichever of the two reads comes first draws
 * the picture, and the other finds it drawn (EarlyView.show: 'kept'). Returns when the picture is
 * drawn (or could not be), or null when `data` was no snapshot frame: the boot script pictures
 * only the first.
 */
export function pictureSnapshotFrame(data: unknown, view: EarlyView): Promise<void> | null {
  if (!(data instanceof ArrayBuffer)) return null;
  const bytes = new Uint8Array(data);
  const header = decodeFrameHeader(bytes);
  if (header?.kind !== FRAME_KIND.SNAPSHOT) return null;
  const body = frameBody(bytes);
  const json = header.compressed ? inflateSnapshot(body, MAX_INFLATED_FRAME_BYTES) : Promise.resolve(body);
  return json.then((text) => {
    if (!view.untouched) return;
    const events = parseEvents(text);
    if (events) view.show(events);
  }).catch(() => {
    // Unreadable here is unreadable for the console too: its link asks for another snapshot.
  });
}
