// The loader's whole behaviour: presence on the visitor socket, the prompts, the host-page API,
// and starting (and resuming) sharing by loading the capture bundle — never before a yes.
import type { PromptInvite, VisitorServerMessage } from '@tandem/protocol';
import type { CaptureBundle, ShareHandle } from '../share-contract.ts';
import { consentShown, showPrompt, type OpenPrompt } from './consent-prompt.ts';
import { controlCopy, shareCopy } from './copy.ts';
import { linkRefusedCopy, showNotice } from './link-notice.ts';
import { chooseLocale, ENGLISH, fill, loadWords, type Words } from './locale-choice.ts';
import { showBanner, showEndNote, type Banner } from './sharing-banner.ts';
import { clearSession, loadSession, saveSession, type StoredSession } from './session-store.ts';
import { createUiHost, type UiHost } from './ui-host.ts';
import { openVisitorSocket, type VisitorSocket } from './visitor-socket.ts';

export const TANDEM_EVENTS = [
  'invite.shown', 'invite.accepted', 'invite.declined', 'session.started', 'session.ended', 'control.granted', 'control.revoked',
] as const;
export type TandemEventName = (typeof TANDEM_EVENTS)[number];
type Listener = (detail: Record<string, unknown>) => void;

interface LiveShare extends StoredSession {
  control: boolean;
  reconnecting: boolean;
  handle: ShareHandle | null;
  banner: Banner;
  keepAlive: ReturnType<typeof setInterval>;
}

export interface TandemApi {
  identify(token: string): void;
  on(event: TandemEventName, fn: Listener): void;
  off(event: TandemEventName, fn: Listener): void;
  enterCode(code: string): Promise<void>;
  requestCode(): Promise<string>;
  stop(): void;
  /** The language of the prompts (a BCP 47 tag, e.g. 'de'), over the page's <html lang>. */
  locale(tag: string): void;
  /** The queue's own form, so the same snippet works before and after the loader arrived. */
  push(call: [string, ...unknown[]]): void;
}

export function startTandem(server: string, deploymentKey: string, linkSecret: string | null): TandemApi {
  const listeners = new Map<string, Set<Listener>>();
  let identityToken: string | null = null;
  let pendingSecret = linkSecret;
  // This page's own name for the link it redeems: the server binds the link to the first page
  // that presents it, and this page presenting it again (after a dropped connection) is still it.
  const pageKey = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  let ui: UiHost | null = null;
  let prompt: (OpenPrompt & { inviteId: string }) | null = null;
  let controlPrompt: OpenPrompt | null = null;
  let offered: PromptInvite | null = null;
  let share: LiveShare | null = null;
  let stopped = false;
  let siteLocale: string | undefined;
  // The deployment's default language for its customers, from the server's welcome.
  let deploymentLocale: string | null | undefined;
  let words: Words = ENGLISH;
  let loading: { lang: string; words: Promise<Words> } | null = null;
  // The customer's words, fetched once per language; `words` is what the banner uses meanwhile.
  const wordsNow = (): Promise<Words> => {
    const lang = chooseLocale([siteLocale, document.documentElement.lang, deploymentLocale, ...navigator.languages]);
    if (loading?.lang !== lang) loading = { lang, words: loadWords(server, lang).then((w) => (words = w)) };
    return loading.words;
  };
  let waitingInvite: string | null = null;

  const emit = (event: TandemEventName, detail: Record<string, unknown>) => {
    for (const fn of listeners.get(event) ?? []) {
      try {
        fn(detail);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  };
  const uiHost = () => (ui ??= createUiHost());

  const onOpen = (s: VisitorSocket) => {
    if (identityToken) s.send({ type: 'identify', token: identityToken });
    // A page that resumed a session (reload, navigation, reconnect) shows the server it holds it,
    // so Stop and the control decisions made here count.
    if (share) s.send({ type: 'session.resume', captureToken: share.captureToken });
    if (pendingSecret) {
      const secret = pendingSecret;
      void s.request({ type: 'link.redeem', secret, page: pageKey }).then((r) => {
        // A dropped connection answers with an error; the next connection tries again.
        if (r.type === 'error' && r.message === 'connection lost') return;
        pendingSecret = null;
        if (r.type === 'error' && !stopped) {
          const code = r.code;
          void wordsNow().then((w) => !stopped && showNotice(uiHost(), linkRefusedCopy(w, code)));
        }
      });
    }
  };

  const onMessage = (m: VisitorServerMessage) => {
    switch (m.type) {
      case 'invite':
        waitingInvite = m.invite.inviteId;
        // The prompt waits for the customer's words (a small fetch, once), never shows half-translated.
        return void wordsNow().then((w) => waitingInvite === m.invite.inviteId && showSharePrompt(m.invite, w));
      case 'invite.withdrawn':
        if (waitingInvite === m.inviteId) waitingInvite = null;
        if (prompt?.inviteId === m.inviteId) {
          prompt.close();
          prompt = null;
        }
        return;
      case 'session.started':
        if (share || !offered) return;
        return startShare(
          { sessionId: m.sessionId, captureToken: m.captureToken, agentName: m.agentName, companyName: offered.companyName, phrase: offered.phrase }, false);
      case 'session.ended':
        if (share?.sessionId === m.sessionId) endShare(m.reason);
        return;
      case 'welcome':
        deploymentLocale = m.locale;
    }
  };

  const socket = openVisitorSocket(server, deploymentKey, onMessage, onOpen);

  function showSharePrompt(invite: PromptInvite, w: Words) {
    waitingInvite = null;
    if (share || stopped) return;
    prompt?.close();
    offered = invite;
    const copy = shareCopy(w, invite.companyName, invite.agentName, invite.phrase);
    const failed = (reason: 'error' | 'hidden') => socket.send({ type: 'invite.prompt_failed', inviteId: invite.inviteId, reason });
    let open: OpenPrompt;
    try {
      open = showPrompt(
        uiHost(),
        copy,
        (seen) => {
          prompt = null;
          emit('invite.accepted', { inviteId: invite.inviteId });
          socket.send({ type: 'invite.accept', inviteId: invite.inviteId,
            shown: { ...consentShown(copy, invite.companyName, invite.agentName), ...seen, version: copy.version } });
        },
        () => {
          prompt = null;
          emit('invite.declined', { inviteId: invite.inviteId });
          socket.send({ type: 'invite.decline', inviteId: invite.inviteId });
        },
      );
    } catch {
      // A page that breaks the prompt (it took the SDK's element name, patched the DOM) must not
      // leave the agent waiting on "delivered": say so, and the agent uses another channel.
      return failed('error');
    }
    if (!open.visible()) {
      open.close();
      return failed('hidden');
    }
    prompt = { ...open, inviteId: invite.inviteId };
    socket.send({ type: 'invite.open', inviteId: invite.inviteId });
    emit('invite.shown', { inviteId: invite.inviteId, companyName: invite.companyName, agentName: invite.agentName });
  }

  function refreshBanner() {
    if (share) share.banner.update({ words, agentName: share.agentName, control: share.control, reconnecting: share.reconnecting });
  }

  function startShare(s: Omit<StoredSession, 'savedAt'>, resume: boolean) {
    saveSession(s);
    const banner = showBanner(uiHost(), stopSharing, revokeControl);
    // The stored copy is refreshed while the page lives, so the resume window counts from when
    // the customer left the page, not from when sharing began.
    const keepAlive = setInterval(() => saveSession(s), 15_000);
    const live: LiveShare = { ...s, savedAt: Date.now(), control: false, reconnecting: true, handle: null, banner, keepAlive };
    share = live;
    refreshBanner();
    // A resumed session shows its banner at once, in English if need be, then in the customer's words.
    void wordsNow().then(refreshBanner);
    emit('session.started', { sessionId: s.sessionId, agentName: s.agentName, resumed: resume });
    import(`${server}/sdk/capture.js`).then(
      (mod: CaptureBundle) => {
        if (share !== live) return;
        live.handle = mod.startSharing({
          server, sessionId: s.sessionId, captureToken: s.captureToken, resume, overlayRoot: uiHost().root,
          hooks: {
            onReady({ agentName, control }) {
              live.agentName = agentName;
              live.control = control;
              live.reconnecting = false;
              refreshBanner();
            },
            onControlRequest: () => showControlPrompt(live),
            onEnded: (reason) => share === live && endShare(reason),
            onLink(state) {
              live.reconnecting = state === 'reconnecting';
              refreshBanner();
            },
          },
        });
      },
      () => share === live && endShare('capture_unavailable'),
    );
  }

  function showControlPrompt(live: LiveShare) {
    if (live.control || controlPrompt || share !== live) return;
    const copy = controlCopy(words, live.companyName, live.agentName);
    controlPrompt = showPrompt(
      uiHost(),
      copy,
      (seen) => {
        controlPrompt = null;
        const shown = { ...consentShown({ ...copy, phrase: live.phrase }, live.companyName, live.agentName), ...seen, version: copy.version };
        void socket.request({ type: 'control.accept', sessionId: live.sessionId, shown }).then((r) => {
          if (r.type !== 'control.granted' || share !== live) return;
          live.control = true;
          live.handle?.setControl(true);
          refreshBanner();
          emit('control.granted', { sessionId: live.sessionId });
        });
      },
      () => {
        controlPrompt = null;
        socket.send({ type: 'control.decline', sessionId: live.sessionId });
      },
    );
  }

  function revokeControl() {
    const live = share;
    if (!live?.control) return;
    // Off on the page at once; the server is told, and records it, right after.
    live.control = false;
    live.handle?.setControl(false);
    refreshBanner();
    socket.send({ type: 'control.revoke', sessionId: live.sessionId });
    emit('control.revoked', { sessionId: live.sessionId });
  }

  function stopSharing() {
    if (!share) return;
    const { sessionId } = share;
    share.handle?.stop();
    socket.send({ type: 'session.stop', sessionId });
    endShare('customer_stopped');
  }

  function endShare(reason: string) {
    const live = share;
    if (!live) return;
    share = null;
    live.handle?.stop();
    live.banner.remove();
    clearInterval(live.keepAlive);
    controlPrompt?.close();
    controlPrompt = null;
    clearSession();
    // Why it ended, in words: the agent or their system ended it, the call ended, or (any other reason) it just ended.
    const why = reason === 'agent_ended' || reason === 'api_ended' ? words.s.endedAgent : reason === 'call_ended' ? words.s.endedCall : words.s.ended;
    if (ui) showEndNote(ui, words, fill(why, { agent: live.agentName }));
    if (live.control) emit('control.revoked', { sessionId: live.sessionId });
    emit('session.ended', { sessionId: live.sessionId, reason });
  }

  addEventListener('pagehide', () => {
    if (share) saveSession(share);
  });
  // After the site's queued calls (a queued locale counts), before any invite can arrive.
  setTimeout(() => void wordsNow());
  const resumed = loadSession();
  if (resumed) startShare(resumed, true);

  return {
    identify(token) {
      identityToken = token;
      if (socket.isOpen()) socket.send({ type: 'identify', token });
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn);
    },
    off(event, fn) {
      listeners.get(event)?.delete(fn);
    },
    async enterCode(code) {
      const r = await socket.request({ type: 'code.enter', code: String(code).slice(0, 16) });
      if (r.type === 'error') throw Object.assign(new Error(r.message), { code: r.code });
    },
    async requestCode() {
      const r = await socket.request({ type: 'code.request' });
      if (r.type === 'code') return r.code;
      throw Object.assign(new Error(r.type === 'error' ? r.message : 'no code'), { code: r.type === 'error' ? r.code : 'invite_not_available' });
    },
    locale(tag) {
      siteLocale = String(tag).slice(0, 35);
      void wordsNow().then(refreshBanner);
    },
    push([method, ...args]) {
      (this[method as keyof TandemApi] as ((...a: unknown[]) => unknown) | undefined)?.(...args);
    },
    stop() {
      stopped = true;
      prompt?.close();
      stopSharing();
      socket.close();
      ui?.destroy();
      ui = null;
    },
  };
}
