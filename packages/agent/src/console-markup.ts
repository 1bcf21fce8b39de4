// The console's fixed structure. Static markup only: everything that comes from the server or the
// customer is written later with textContent, never as HTML. The English here is replaced in the
// console's language: data-t names the string for an element's text, data-t-label for its aria-label, data-t-title for its title.
const ICON_POINTER = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 3l14 8-6 1.5L10 19z"/></svg>';
const ICON_HIGHLIGHT = '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3.5" y="5.5" width="17" height="13" rx="2" stroke-dasharray="3 2.5"/></svg>';
const ICON_CONTROL = '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="6" width="18" height="12" rx="2"/>'
  + '<path d="M7 10h2M11 10h2M15 10h2M8 14h8"/></svg>';
const ICON_EXPAND = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/></svg>';
const ICON_END = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';

export const CONSOLE_MARKUP = `
<div class="console">
  <header class="topbar">
    <div class="brand"><span class="logo" aria-hidden="true"></span>Tandem <small data-t="brandSub">Cobrowse</small></div>
    <div class="call" id="call" role="status" data-tone="neutral"><span class="dot"></span><span id="call-text">Loading call…</span></div>
    <span class="spacer"></span>
    <div class="link" id="link" role="status" data-tone="progress"><span class="dot"></span><span id="link-text">Connecting to Tandem…</span></div>
  </header>
  <div class="body">
    <aside class="side" aria-label="Invite and timeline" data-t-label="sideLabel">
      <section class="card" aria-labelledby="invite-title">
        <h2 id="invite-title" data-t="inviteTitle">Cobrowse invite</h2>
        <div id="invite-idle">
          <div class="field-row">
            <label for="channel" data-t="sendBy">Send by</label>
            <select id="channel">
              <option value="" data-t="channelBest">Best available</option>
              <option value="push" data-t="channelPush">Their open web page</option>
              <option value="sms" data-t="channelSms">Text message (SMS)</option>
              <option value="code" data-t="channelCode">Code only (read aloud)</option>
            </select>
          </div>
          <button id="invite" class="primary big" type="button">Invite to cobrowse</button>
          <p id="invite-hint" class="hint"></p>
        </div>
        <div id="invite-pending" hidden>
          <div class="state-row"><span id="invite-state" class="pill" data-tone="progress"></span><span id="invite-expiry" class="muted"></span></div>
          <p class="say" id="code-say" data-t="sayCode">Read this code to the customer</p>
          <p class="code" id="code" dir="ltr"></p>
          <p class="say" data-t="sayPhrase">Their screen shows the phrase</p>
          <p class="phrase" id="phrase" dir="auto"></p>
          <ul id="deliveries" class="deliveries" aria-label="Delivery" data-t-label="deliveriesLabel"></ul>
          <button id="invite-again" class="secondary" type="button" data-t="inviteAgain">Send a new invite</button>
        </div>
        <div id="invite-live" hidden>
          <p><span class="pill" data-tone="good" data-t="accepted">Accepted</span></p>
          <p class="hint" data-t="sharingHint">The customer is sharing their screen.</p>
        </div>
      </section>
      <section class="card" aria-labelledby="claim-title">
        <h2 id="claim-title" data-t="claimTitle">Customer has a code?</h2>
        <form id="claim-form" class="claim">
          <label for="claim" class="sr-only" data-t="claimLabel">Code the customer reads to you</label>
          <input id="claim" dir="ltr" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="24" placeholder="123 456 7890">
          <button id="claim-button" class="secondary" type="submit" data-t="claimButton">Connect</button>
        </form>
        <p id="claim-msg" class="msg" role="status"></p>
      </section>
      <section class="card timeline-card" aria-labelledby="timeline-title">
        <h2 id="timeline-title" data-t="timelineTitle">Timeline</h2>
        <p id="timeline-empty" class="muted" data-t="timelineEmpty">Nothing yet. Invite the customer to start.</p>
        <ol id="timeline" class="timeline" aria-live="polite"></ol>
      </section>
    </aside>
    <main class="main" aria-label="Customer's screen" data-t-label="mainLabel">
      <div class="toolbar" role="toolbar" aria-label="Cobrowse tools" data-t-label="toolsLabel">
        <div class="customer" id="customer" role="status" data-tone="neutral"><span class="dot"></span><span id="customer-text">Not sharing</span></div>
        <span id="viewport" class="muted"></span>
        <div class="zoom" role="group" aria-label="Zoom" data-t-label="zoomLabel">
          <button id="zoom-out" class="tool icon" type="button" aria-label="Zoom out" title="Zoom out (-)" data-t-title="zoomOutTitle" disabled>&minus;</button>
          <button id="zoom-fit" class="tool" type="button" aria-pressed="true" title="Fit to width (0)" data-t-title="zoomFitTitle" disabled
            ><span data-t="zoomFit">Fit</span></button>
          <button id="zoom-in" class="tool icon" type="button" aria-label="Zoom in" title="Zoom in (+)" data-t-title="zoomInTitle" disabled>+</button>
          <button id="expand" class="tool" type="button" aria-pressed="false" disabled data-t-title="expandTitle"
            title="Give the customer's screen the whole console (Escape returns)">${ICON_EXPAND}<span data-t="expand">Expand</span></button>
        </div>
        <div class="tools">
          <button id="tool-pointer" class="tool" type="button" aria-pressed="false">${ICON_POINTER}<span data-t="toolPointer">Pointer</span></button>
          <button id="tool-highlight" class="tool" type="button" aria-pressed="false">${ICON_HIGHLIGHT}<span data-t="toolHighlight">Highlight</span></button>
          <button id="control" class="tool" type="button">${ICON_CONTROL}<span id="control-text">Request control</span></button>
          <button id="end" class="danger" type="button">${ICON_END}<span id="end-text">End session</span></button>
        </div>
      </div>
      <div class="stage-wrap">
        <div id="stage" class="stage"></div>
        <div id="empty" class="empty"><strong id="empty-title">No screen shared yet</strong>
          <span id="empty-text">The customer's screen appears here once they accept an invite.</span></div>
        <div id="veil" class="veil" hidden><span id="veil-text"></span></div>
      </div>
      <p id="notice" class="notice" role="status" aria-live="polite"></p>
    </main>
  </div>
</div>
`;
