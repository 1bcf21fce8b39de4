// <tandem-console server="https://tandem.example" token="..." lang="de">: the agent's whole
// cobrowse console for one call, for an agent desktop to embed or for the standalone page to fill.
// The element only wires: the socket and the agent's clicks become events for the pure model
// (console-model.ts), and what view() makes of the state is drawn by console-render.ts.
import type { ReplicaViewer as Viewer } from './replica-viewer.ts';
import { AgentSocket } from './agent-socket.ts';
import type { AgentSocketHandlers } from './agent-socket.ts';
import { chooseConsoleLocale, ENGLISH, loadConsoleWords, type ConsoleWords } from './console-locale.ts';
import { CONSOLE_MARKUP } from './console-markup.ts';
import { claimCode, controlPress, effects, endPress, initialState, reduce, CONTROL_WAIT_MS, END_CONFIRM_MS } from './console-model.ts';
import type { ConsoleEvent, ConsoleState } from './console-model.ts';
import { renderLanguage, renderTimeline, renderView } from './console-render.ts';
import { CONSOLE_CSS } from './console-styles.ts';
import { timelineView, view } from './console-view.ts';
import { takeEarlyLink } from './early-link.ts';
import { fill } from './invite-timeline.ts';
import { ReplicaViewControls } from './replica-view-controls.ts';
import { ReplicaViewer } from './replica-viewer.ts';
import { proxiedAssetFetch } from './replica-asset-proxy.ts';

// A background tab gets no animation frames; the timeline is drawn after this at the latest.
const TIMELINE_LATEST_MS = 250;

let sheet: CSSStyleSheet | null = null;

function styles(): CSSStyleSheet {
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(CONSOLE_CSS);
  return sheet;
}

export class TandemConsole extends HTMLElement {
  static readonly observedAttributes = ['server', 'token', 'lang'];

  private readonly root: ShadowRoot;
  private socket: AgentSocket | null = null;
  private socketKey = '';
  private viewer: Viewer | null = null;
  private viewControls: ReplicaViewControls | null = null;
  private state: ConsoleState = initialState;
  private words: ConsoleWords = ENGLISH;
  private wordsKey = '';
  private ticker: ReturnType<typeof setInterval> | null = null;
  private timelineQueued = false;
  private drawnTimeline: ConsoleState['timeline'] | null = null;
  private commandId = 0;
  private assetFetch: ReturnType<typeof proxiedAssetFetch> | null = null;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [styles()];
    this.root.innerHTML = CONSOLE_MARKUP;
    this.wire();
  }

  connectedCallback(): void {
    this.viewer ??= new ReplicaViewer(this.el('stage'), {
      pointer: (x, y, visible) => this.socket?.sendPointer(x, y, visible),
      highlight: (nodeId) => {
        this.send({ type: 'highlight', nodeId });
        this.dispatch({ type: 'highlight', nodeId });
      },
      control: (command) => {
        this.commandId += 1;
        if (!this.send({ type: 'control.command', id: this.commandId, command })) this.dispatch({ type: 'command.unsent' });
      },
      viewport: (viewport) => this.dispatch({ type: 'viewport', viewport }),
      drift: () => this.send({ type: 'snapshot.request', reason: 'drift' }),
      fetchAsset: (url) => this.assetFetch?.(url) ?? Promise.resolve(null),
    });
    this.viewControls ??= new ReplicaViewControls(this.root, () => this.viewer);
    this.ticker ??= setInterval(() => this.render(), 1_000);
    this.chooseLanguage();
    this.connect();
    this.render();
  }

  disconnectedCallback(): void {
    this.socket?.stop();
    this.socket = null;
    this.socketKey = '';
    this.viewer?.destroy();
    this.viewer = null;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  attributeChangedCallback(name: string): void {
    // Before connectedCallback there is no replica to feed yet; it connects then.
    if (!this.viewer) return;
    if (name === 'lang') this.chooseLanguage();
    else this.connect();
  }

  /** The element's lang attribute, else the agent's browser; English words until the file arrives. */
  private chooseLanguage(): void {
    const { lang, formatTag } = chooseConsoleLocale([this.getAttribute('lang'), ...navigator.languages, navigator.language]);
    const key = `${lang} ${formatTag}`;
    if (key === this.wordsKey) return;
    this.wordsKey = key;
    void loadConsoleWords(import.meta.url, lang, formatTag).then((words) => {
      if (this.wordsKey !== key) return;
      this.words = words;
      this.drawnTimeline = null;
      this.render();
    });
  }

  private connect(): void {
    const server = this.getAttribute('server');
    const token = this.getAttribute('token');
    const key = `${server} ${token}`;
    if (this.socket && key === this.socketKey) return;
    this.socket?.stop();
    this.socket = null;
    this.socketKey = key;
    this.assetFetch = null;
    if (!server || !token) return;
    this.assetFetch = proxiedAssetFetch(server, token, () => this.state.replica.session);
    this.dispatch({ type: 'connecting' });
    // The replay frame is made now, while the link is opening (often before its snapshot is in).
    this.viewer?.prepare();
    const handlers: AgentSocketHandlers = {
      link: (state) => this.dispatch({ type: 'link', state }),
      message: (message) => this.dispatch({ type: 'server', message }),
      snapshot: (events) => {
        try {
          this.viewer?.showSnapshot(events);
          this.dispatch({ type: 'snapshot.shown' });
        } catch (error) {
          this.dispatch({ type: 'snapshot.failed', error: error instanceof Error ? error.message : String(error) });
        }
      },
      delta: (events) => this.viewer?.applyDelta(events),
      customerPointer: (point) => this.viewer?.moveCustomerPointer(point),
    };
    // The console page opened this link before the console had loaded (early-link.ts): what it
    // has received so far, often the customer's page already, is shown now.
    const early = takeEarlyLink(server, token);
    if (early) {
      this.socket = early.socket;
      if (early.pictured) this.viewer?.snapshotPictured();
      early.attach(handlers);
      return;
    }
    this.socket = new AgentSocket({ server, token, handlers });
    this.socket.start();
  }

  private el<T extends HTMLElement = HTMLElement>(id: string): T {
    const found = this.root.getElementById(id);
    if (!found) throw new Error(`console markup has no #${id}`);
    return found as T;
  }

  private send(message: Parameters<AgentSocket['send']>[0]): boolean {
    return this.socket?.send(message) ?? false;
  }

  /** The one way the state changes: reduce, carry out what the change asks for, draw. */
  private dispatch(event: ConsoleEvent): void {
    const before = this.state;
    this.state = reduce(before, event);
    for (const effect of effects(before, this.state)) {
      if (effect === 'clear-replica') this.viewer?.clear();
      else if (effect === 'focus-replica') this.viewer?.focus();
      else this.el<HTMLInputElement>('claim').value = '';
    }
    this.render();
  }

  private wire(): void {
    const createInvite = () => {
      const channel = this.el<HTMLSelectElement>('channel').value;
      const sent = this.send(channel === 'push' || channel === 'sms' || channel === 'code'
        ? { type: 'invite.create', channels: [channel] }
        : { type: 'invite.create' });
      this.dispatch({ type: 'invite.sent', sent });
    };
    this.el('invite').addEventListener('click', createInvite);
    this.el('invite-again').addEventListener('click', createInvite);
    this.el('claim-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const code = claimCode(this.el<HTMLInputElement>('claim').value);
      if (code === null) this.dispatch({ type: 'claim.invalid' });
      else this.dispatch({ type: 'claim.sent', sent: this.send({ type: 'code.claim', code }) });
    });
    this.el('tool-pointer').addEventListener('click', () => this.dispatch({ type: 'tool.toggle', tool: 'pointer' }));
    this.el('tool-highlight').addEventListener('click', () => this.dispatch({ type: 'tool.toggle', tool: 'highlight' }));
    this.el('control').addEventListener('click', () => {
      const press = controlPress(this.state);
      if (press === 'toggle') this.dispatch({ type: 'tool.toggle', tool: 'control' });
      const sessionId = this.state.view?.session?.id;
      if (press !== 'request' || !sessionId || !this.send({ type: 'control.request' })) return;
      this.dispatch({ type: 'control.requested', sessionId, at: Date.now() });
      setTimeout(() => this.render(), CONTROL_WAIT_MS + 50);
    });
    this.el('end').addEventListener('click', () => {
      const now = Date.now();
      if (endPress(this.state, now) === 'end') this.send({ type: 'session.end' });
      else setTimeout(() => this.render(), END_CONFIRM_MS + 50);
      this.dispatch({ type: 'end.press', now });
    });
  }

  private render(): void {
    const words = this.words;
    if (this.root.querySelector('.console')?.getAttribute('lang') !== words.lang) {
      renderLanguage(this.root, words);
      const t = words.t;
      // Plus, minus and 0 zoom the replica except in control mode, where keys go to the customer's page.
      const zoomable = (label: string) => `${label} ${t.surfaceZoomHelp}`;
      this.viewer?.setLabels({
        surface: { none: zoomable(t.surfaceNone), pointer: zoomable(t.surfacePointer), highlight: zoomable(t.surfaceHighlight), control: t.surfaceControl },
        role: words.t.surfaceRole,
        replica: words.t.replicaTitle,
        cursor: words.t.cursorLabel,
      });
    }
    const shown = view(this.state, { now: Date.now(), t: words.t, format: words.format });
    this.viewer?.setTool(shown.tool);
    renderView((id) => this.el(id), shown);
    const zoom = words.format.percent(this.viewer?.zoomLevel.scale ?? 1);
    this.viewControls?.update(this.state.replica.shown, { zoomOut: fill(words.t.zoomOut, { zoom }), zoomIn: fill(words.t.zoomIn, { zoom }) });
    if (this.state.timeline !== this.drawnTimeline) this.scheduleTimeline();
  }

  /**
   * Events arrive one message each, a whole call's history at once when the console connects:
   * the timeline is drawn once per frame, not once per event (each draw lays the list out to
   * scroll to its end).
   */
  private scheduleTimeline(): void {
    if (this.timelineQueued) return;
    this.timelineQueued = true;
    const draw = () => {
      if (!this.timelineQueued) return;
      this.timelineQueued = false;
      this.drawnTimeline = this.state.timeline;
      renderTimeline((id) => this.el(id), timelineView(this.state, this.words));
    };
    requestAnimationFrame(draw);
    setTimeout(draw, TIMELINE_LATEST_MS);
  }
}

export function defineTandemConsole(): void {
  if (!customElements.get('tandem-console')) customElements.define('tandem-console', TandemConsole);
}
