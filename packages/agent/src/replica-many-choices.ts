// Shows a multiple select's choices in the replica as the capture names them (by option index):
// rrweb's own input event for such a select sets its `value`, which leaves one option chosen.
import { MANY_CHOICES_EVENT, type ManyChoices } from '@tandem/protocol/wire';

interface NodeMirror {
  getNode(id: number): Node | null;
}

// The capture sends at most 1000; anything longer did not come from it.
const MAX_CHOICES = 1000;

/** The report in a custom event, checked: the stream comes from a browser we do not control. */
export function manyChoicesOf(data: { tag?: unknown; payload?: unknown } | undefined): ManyChoices | null {
  if (data?.tag !== MANY_CHOICES_EVENT) return null;
  const p = data.payload as { id?: unknown; chosen?: unknown } | null;
  if (!p || !Number.isSafeInteger(p.id) || (p.id as number) <= 0) return null;
  if (!Array.isArray(p.chosen) || p.chosen.length > MAX_CHOICES) return null;
  if (!p.chosen.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) return null;
  return { id: p.id as number, chosen: p.chosen as number[] };
}

/** Chooses exactly the named options of the named multiple select, if the replica has it. */
export function applyManyChoices(mirror: NodeMirror, choices: ManyChoices): void {
  const node = mirror.getNode(choices.id);
  // By node name, not instanceof: the replica's nodes belong to the frame's realm.
  if (node?.nodeName !== 'SELECT' || !(node as HTMLSelectElement).multiple) return;
  const chosen = new Set(choices.chosen);
  const options = (node as HTMLSelectElement).options;
  for (let i = 0; i < options.length; i++) options[i]!.selected = chosen.has(i);
}
