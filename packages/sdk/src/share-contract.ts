// The seam between the loader (always on the page, small) and the capture bundle (fetched only
// after the customer said yes). The loader owns every prompt and decision; capture owns what
// needs rrweb's node mirror: the stream, the agent's overlay and the control executor.

export interface ShareOptions {
  /** Origin of the Tandem server, e.g. https://tandem.example.com */
  server: string;
  sessionId: string;
  captureToken: string;
  /** True when this page picks up a session a previous page of the tab started (reload, navigation). */
  resume: boolean;
  /** The loader's closed shadow root: the agent's pointer and highlight are drawn in it. */
  overlayRoot: ShadowRoot;
  hooks: ShareHooks;
}

export interface ShareHooks {
  /** The relay accepted the page; `control` is the session's control state as the server has it. */
  onReady(info: { agentName: string; control: boolean }): void;
  /** The agent asks to click and type for the customer: the loader shows the second prompt. */
  onControlRequest(): void;
  /** The session is over (ended by anyone, or refused): capture has already stopped. */
  onEnded(reason: string): void;
  /** The stream is reconnecting (network drop) or connected again. */
  onLink(state: 'connected' | 'reconnecting'): void;
}

export interface ShareHandle {
  /** Control granted or revoked by the customer (after the server confirmed it). */
  setControl(on: boolean): void;
  /** Stops capture and closes the stream at once. */
  stop(): void;
}

export interface CaptureBundle {
  startSharing(options: ShareOptions): ShareHandle;
  /** In a cross-origin child frame: what its parent's Tandem said ('start' | 'stop'), from which origin. */
  frameMessage(kind: string | undefined, parentOrigin: string): void;
}
