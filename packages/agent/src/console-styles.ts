// The console's look, applied to its shadow root as a constructed stylesheet (no inline <style>,
// so it works under a host page's strict CSP). Contact-centre software is read at a glance by
// someone talking on the phone: large type for what is read aloud, status in colour and words.
export const CONSOLE_CSS = `
:host {
  --ink: #1b2430; --muted: #5b6675; --line: #d9dee5; --panel: #ffffff; --canvas: #eef1f5;
  --brand: #14365d; --accent: #0b63ce; --accent-ink: #ffffff;
  --good: #137333; --good-bg: #e6f4ea; --warn: #8a5a00; --warn-bg: #fff4d6;
  --bad: #b3261e; --bad-bg: #fce8e6; --progress: #0b57d0; --progress-bg: #e8f0fe;
  --neutral: #48525e; --neutral-bg: #eceff3;
  display: block; height: 100%; min-height: 480px; color: var(--ink); background: var(--canvas);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  container-type: inline-size;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
h2 { font-size: 12px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); margin: 0 0 10px; }
p { margin: 0; }
button, input, select { font: inherit; }
button { cursor: pointer; border-radius: 6px; border: 1px solid transparent; padding: 8px 14px; font-weight: 600; }
button:disabled { cursor: not-allowed; opacity: .55; }
button svg { width: 16px; height: 16px; flex: none; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
:focus-visible { outline: 3px solid #7fb0ff; outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.console { display: grid; grid-template-rows: auto 1fr; height: 100%; }
.topbar { display: flex; align-items: center; gap: 18px; padding: 10px 18px; background: var(--brand); color: #fff; }
.brand { font-weight: 700; font-size: 16px; display: flex; align-items: center; gap: 8px; }
.brand small { font-weight: 500; opacity: .75; font-size: 13px; }
.logo { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, #5aa2ff, #1f7a4d); }
.call { display: flex; align-items: center; gap: 8px; padding: 4px 12px; border-radius: 999px; background: rgba(255,255,255,.12); font-weight: 600; }
.spacer { flex: 1; }
.link { display: flex; align-items: center; gap: 8px; font-size: 13px; }
.dot { width: 10px; height: 10px; border-radius: 50%; background: currentColor; flex: none; }
.topbar [data-tone="good"] .dot { color: #5fd68a; }
.topbar [data-tone="warn"] .dot, .topbar [data-tone="progress"] .dot { color: #ffd166; }
.topbar [data-tone="bad"] .dot { color: #ff8a80; }
.topbar [data-tone="neutral"] .dot { color: #b8c2cf; }

.body { display: grid; grid-template-columns: 360px 1fr; min-height: 0; }
.side { display: flex; flex-direction: column; gap: 12px; padding: 14px; overflow: auto; border-inline-end: 1px solid var(--line); }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.primary { background: var(--accent); color: var(--accent-ink); }
.primary:hover:not(:disabled) { background: #0a55b1; }
.big { width: 100%; padding: 14px; font-size: 17px; margin-top: 10px; }
.secondary { background: #fff; color: var(--accent); border-color: #a9c6ef; }
.secondary:hover:not(:disabled) { background: var(--progress-bg); }
.danger { background: #fff; color: var(--bad); border-color: #efb1ac; }
.danger:hover:not(:disabled) { background: var(--bad-bg); }
.field-row { display: flex; align-items: center; gap: 8px; }
.field-row label { color: var(--muted); font-size: 13px; }
select, input { border: 1px solid #b9c2ce; border-radius: 6px; padding: 7px 9px; background: #fff; color: var(--ink); }
select { flex: 1; }
.hint { color: var(--muted); font-size: 13px; margin-top: 8px; }
.muted { color: var(--muted); font-size: 13px; }

.pill { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px; font-size: 12.5px; font-weight: 700;
  white-space: nowrap; }
[data-tone="good"].pill { color: var(--good); background: var(--good-bg); }
[data-tone="warn"].pill { color: var(--warn); background: var(--warn-bg); }
[data-tone="bad"].pill { color: var(--bad); background: var(--bad-bg); }
[data-tone="progress"].pill { color: var(--progress); background: var(--progress-bg); }
[data-tone="neutral"].pill { color: var(--neutral); background: var(--neutral-bg); }
.state-row { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 12px; }
.state-row .muted { white-space: nowrap; font-variant-numeric: tabular-nums; }
.say { font-size: 13px; color: var(--muted); margin-top: 4px; }
.code { font: 700 40px/1.1 ui-monospace, "SF Mono", Menlo, Consolas, monospace; letter-spacing: .08em; margin: 2px 0 10px; color: var(--ink); }
.console[dir="rtl"] .code, .console[dir="rtl"] .phrase { text-align: right; }
.phrase { font-size: 20px; font-weight: 700; color: var(--brand); margin-bottom: 10px; }
.deliveries { list-style: none; margin: 0 0 12px; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.claim { display: flex; gap: 8px; }
.claim input { flex: 1; min-width: 0; font: 600 18px ui-monospace, Menlo, Consolas, monospace; letter-spacing: .08em; }
.msg { margin-top: 8px; font-size: 13px; }
.msg[data-tone="bad"] { color: var(--bad); }
.msg[data-tone="good"] { color: var(--good); }

.timeline-card { flex: 1; min-height: 160px; display: flex; flex-direction: column; }
.timeline { list-style: none; margin: 0; padding: 0; padding-inline-start: 4px; overflow: auto; flex: 1; }
.timeline li { position: relative; padding: 0 0 12px; padding-inline-start: 22px; display: grid; grid-template-columns: 1fr auto; column-gap: 8px; }
.timeline li::before { content: ""; position: absolute; inset-inline-start: 4px; top: 16px; bottom: -2px; width: 2px; background: var(--line); }
.timeline li:last-child::before { display: none; }
.timeline .mark { position: absolute; inset-inline-start: 0; top: 5px; width: 10px; height: 10px; border-radius: 50%; background: var(--neutral); }
.timeline [data-tone="good"] .mark { background: var(--good); }
.timeline [data-tone="warn"] .mark { background: #d29b00; }
.timeline [data-tone="bad"] .mark { background: var(--bad); }
.timeline [data-tone="progress"] .mark { background: var(--progress); }
.timeline .what { font-weight: 600; }
.timeline .when { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; white-space: nowrap; padding-top: 2px; }
.timeline .detail { grid-column: 1 / -1; color: var(--muted); font-size: 13px; }

.main { display: grid; grid-template-rows: auto 1fr auto; min-width: 0; min-height: 0; }
.toolbar { display: flex; align-items: center; flex-wrap: wrap; gap: 10px 16px; padding: 10px 16px; background: var(--panel);
  border-bottom: 1px solid var(--line); }
.customer { display: flex; align-items: center; gap: 8px; font-weight: 700; }
.customer[data-tone="good"] { color: var(--good); }
.customer[data-tone="warn"] { color: var(--warn); }
.customer[data-tone="bad"] { color: var(--bad); }
.customer[data-tone="neutral"] { color: var(--neutral); }
.tools { display: flex; gap: 8px; margin-inline-start: auto; flex-wrap: wrap; }
.tools button { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
.tool { background: #fff; color: var(--ink); border-color: #b9c2ce; }
.tool[aria-pressed="true"] { background: var(--brand); color: #fff; border-color: var(--brand); }
.tool.waiting { background: var(--warn-bg); color: var(--warn); border-color: #f0d58c; opacity: 1; }
.tool.granted[aria-pressed="true"] { background: var(--good); border-color: var(--good); }
.zoom { display: flex; gap: 4px; align-items: center; }
.zoom button { display: inline-flex; align-items: center; gap: 6px; padding: 6px 10px; }
.zoom .icon { min-width: 34px; justify-content: center; font-size: 17px; line-height: 1; }
/* Expanded: the replica takes the whole console; the invite column comes back with the button or Escape. */
.console[data-expanded] .body { grid-template-columns: 1fr; grid-template-rows: 1fr; }
.console[data-expanded] .side { display: none; }

.stage-wrap { position: relative; min-height: 0; padding: 16px; overflow: hidden; }
.stage { position: absolute; inset: 16px; display: flex; align-items: flex-start; overflow: auto; scrollbar-gutter: stable; }
.empty { position: absolute; inset: 16px; display: grid; place-content: center; text-align: center; gap: 6px; border: 2px dashed #c5ccd6;
  border-radius: 12px; color: var(--muted); }
.empty strong { color: var(--ink); font-size: 17px; }
.veil { position: absolute; inset: 16px; display: grid; place-content: center; text-align: center; background: rgba(238,241,245,.72);
  backdrop-filter: grayscale(1); font-weight: 700; font-size: 16px; color: var(--ink); border-radius: 8px; }
.veil span { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 18px; box-shadow: 0 4px 16px rgba(20,40,70,.12); }
.notice { min-height: 34px; padding: 8px 16px; font-size: 13px; color: var(--muted); background: var(--panel); border-top: 1px solid var(--line); }
.notice[data-tone="bad"] { color: var(--bad); }

.replica-frame { flex: none; margin: 0 auto; position: relative; overflow: hidden; background: #fff; border-radius: 4px; }
.replica-frame { box-shadow: 0 0 0 1px #b9c2ce, 0 6px 24px rgba(20,40,70,.16); }
.replica-layer { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
.replica-layer .replayer-wrapper { position: relative; }
.replica-layer .replayer-mouse { display: none; }
.replica-layer iframe { display: block; border: 0; background: #fff; }
.replica-surface { position: absolute; inset: 0; cursor: default; }
.replica-surface:focus-visible { outline: 3px solid #7fb0ff; outline-offset: -3px; }
.replica-surface[data-tool="highlight"] { cursor: crosshair; }
.replica-surface[data-tool="control"] { cursor: pointer; box-shadow: inset 0 0 0 3px var(--good); }
.replica-cursor { position: absolute; left: 0; top: 0; pointer-events: none; transition: transform 60ms linear; }
@media (prefers-reduced-motion: reduce) { .replica-cursor { transition: none; } }
.replica-cursor svg path { fill: #e8590c; stroke: #fff; stroke-width: 1.4; }
.replica-cursor-label { position: absolute; left: 14px; top: 18px; background: #e8590c; color: #fff; font-size: 11px; font-weight: 700;
  padding: 1px 6px; border-radius: 4px; white-space: nowrap; }
.replica-hover, .replica-highlight { position: absolute; left: 0; top: 0; pointer-events: none; border-radius: 4px; }
.replica-hover { border: 2px dashed var(--accent); }
.replica-highlight { border: 3px solid #f5a400; box-shadow: 0 0 0 4px rgba(245,164,0,.25); }

@container (max-width: 900px) {
  .body { grid-template-columns: 1fr; grid-template-rows: auto minmax(420px, 1fr); }
  .side { border-inline-end: 0; border-bottom: 1px solid var(--line); display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
}
`;
