// The console's view controls for the replica: zoom out, fit to width, zoom in, and expand (the
// replica takes the whole console, the invite column folds away until the agent returns or the
// customer's screen goes). Keyboard: the buttons, and + / - / 0 on the replica itself.
import type { ReplicaViewer } from './replica-viewer.ts';

export class ReplicaViewControls {
  private expanded = false;

  constructor(private readonly root: ShadowRoot, private readonly viewer: () => ReplicaViewer | null) {
    this.button('zoom-out').addEventListener('click', () => this.zoom(-1));
    this.button('zoom-in').addEventListener('click', () => this.zoom(1));
    this.button('zoom-fit').addEventListener('click', () => this.zoom('fit'));
    this.button('expand').addEventListener('click', () => this.setExpanded(!this.expanded));
    root.addEventListener('keydown', (event) => {
      const key = event as KeyboardEvent;
      // Escape on the replica belongs to it (clears a highlight, or goes to the customer's page).
      if (key.key !== 'Escape' || !this.expanded || key.defaultPrevented) return;
      if ((key.target as Element | null)?.classList?.contains('replica-surface')) return;
      this.setExpanded(false);
      this.button('expand').focus();
    });
  }

  /** Called on every render of the console: the controls work only while there is a replica. */
  update(hasReplica: boolean, labels: { zoomOut: string; zoomIn: string }): void {
    const { fit } = this.viewer()?.zoomLevel ?? { scale: 1, fit: true };
    for (const id of ['zoom-out', 'zoom-in', 'zoom-fit', 'expand']) this.button(id).disabled = !hasReplica;
    // Nothing to zoom without a replica: the group goes, rather than sit there greyed out.
    const group = this.root.querySelector<HTMLElement>('.zoom');
    if (group) group.hidden = !hasReplica;
    if (!hasReplica && this.expanded) this.setExpanded(false);
    this.button('zoom-fit').setAttribute('aria-pressed', String(fit));
    // The labels name the zoom now, in the console's language (the element fills them in).
    this.button('zoom-out').setAttribute('aria-label', labels.zoomOut);
    this.button('zoom-in').setAttribute('aria-label', labels.zoomIn);
  }

  private zoom(step: 1 | -1 | 'fit'): void {
    if (step === 'fit') this.viewer()?.setZoom('fit');
    else this.viewer()?.zoomBy(step);
  }

  private setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    this.root.querySelector('.console')?.toggleAttribute('data-expanded', expanded);
    this.button('expand').setAttribute('aria-pressed', String(expanded));
  }

  private button(id: string): HTMLButtonElement {
    const found = this.root.getElementById(id);
    if (!found) throw new Error(`console markup has no #${id}`);
    return found as HTMLButtonElement;
  }
}
