// The look of the prompt, the control prompt and the banner. System fonts, plain colours, no
// external assets (the page's CSP and network must not decide whether consent can be shown).
export const UI_CSS = `
*{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}
.layer{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b2230;
-webkit-font-smoothing:antialiased;pointer-events:auto;z-index:2147483647}
dialog.layer{position:fixed;inset:0;margin:auto;width:min(440px,calc(100vw - 32px));max-height:calc(100vh - 32px);overflow:auto;
background:#fff;border:0;border-radius:16px;padding:0;box-shadow:0 24px 64px rgba(16,24,40,.28),0 2px 8px rgba(16,24,40,.12)}
dialog.layer::backdrop{background:rgba(16,24,40,.45)}
.card{padding:24px 24px 20px}
.brand{display:flex;align-items:center;gap:8px;font-size:13px;font-weight:600;color:#475467;letter-spacing:.01em}
.brand svg{flex:none}
h2,h3,p,li,strong{overflow-wrap:break-word;hyphens:auto}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
h2{margin:14px 0 8px;font-size:20px;line-height:1.3;font-weight:700;color:#101828}
p{margin:0 0 12px;color:#344054}
h3{margin:10px 0 2px;font-size:12px;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:#667085}
ul{margin:0 0 10px;padding:0;list-style:none}
li{display:flex;gap:10px;align-items:flex-start;margin:6px 0;color:#344054;font-size:14px}
li b{font-weight:600;color:#101828}
.ic{flex:none;width:20px;height:20px;border-radius:50%;display:inline-flex;align-items:center;justify-content:center;font-size:12px;font-weight:700;
margin-top:1px}
.see{background:#e8f0fe;color:#1a56db}.hide{background:#ecfdf3;color:#067647;font-size:10px}
.phrase{margin:4px 0 18px;padding:12px 14px;border-radius:10px;background:#f5f7fa;border:1px solid #e4e7ec;font-size:13px;color:#475467}
.phrase strong{display:block;margin-top:2px;font-size:17px;font-weight:700;color:#101828;letter-spacing:.02em}
.actions{display:flex;flex-wrap:wrap;gap:10px;justify-content:flex-end}
button{cursor:pointer;border-radius:10px;padding:10px 16px;font-size:15px;font-weight:600;border:1px solid transparent;min-height:42px}
button:focus-visible{outline:3px solid #84adff;outline-offset:2px}
.primary{background:#1a56db;color:#fff}.primary:hover{background:#1746b8}
.secondary{background:#fff;color:#344054;border-color:#d0d5dd}.secondary:hover{background:#f9fafb}
.fine{margin:14px 0 0;font-size:12px;color:#667085;text-align:center}
.banner,.note{position:fixed;inset:auto auto 16px 50%;transform:translateX(-50%);margin:0;border:0;padding:6px 6px 6px 14px;
display:flex;align-items:center;gap:12px;border-radius:999px;background:#101828;color:#fff;font-size:14px;
box-shadow:0 8px 24px rgba(16,24,40,.35);width:max-content;max-width:calc(100vw - 24px);flex-wrap:wrap;justify-content:center;overflow:visible}
.dot{width:10px;height:10px;border-radius:50%;background:#f04438;box-shadow:0 0 0 4px rgba(240,68,56,.25);flex:none}
.banner.wait .dot{background:#fdb022;box-shadow:0 0 0 4px rgba(253,176,34,.25)}
.banner .txt,.note .txt{min-width:0;overflow-wrap:anywhere}
@media (max-width:560px){.banner~.note{bottom:120px}.banner,.note{border-radius:18px;padding:10px 12px;gap:8px 10px}
.banner .txt,.note .txt{flex:1 1 calc(100% - 30px)}}
.banner~.note{bottom:72px}
.banner .ctl{color:#fec84b;font-weight:600}
.banner button,.note button{min-height:32px;padding:6px 14px;border-radius:999px;font-size:13px;background:#fff;color:#101828}
.banner button.stop{background:#d92d20;color:#fff}
.notice{position:fixed;inset:16px auto auto;inset-inline-end:16px;margin:0;width:min(380px,calc(100vw - 32px));padding:18px 20px 16px;border:0;
border-radius:14px;
background:#fff;box-shadow:0 16px 48px rgba(16,24,40,.25),0 2px 8px rgba(16,24,40,.12)}
.notice h2{margin:0 0 6px;font-size:17px}
`;
