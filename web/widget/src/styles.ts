/**
 * The widget's CSS, inside its Shadow DOM: nothing here reaches the page and the page's CSS does not
 * reach in. The page's rules can still match the host element itself (`* { color: red !important }`),
 * so nothing is inherited from it: fonts, colours and position are set on `.root`, inside. The team's
 * colours arrive as the custom properties `--sb-color` and `--sb-text`. Below 480 px wide the open
 * panel fills the screen (a phone has no room for a floating card) and the launcher steps aside: the
 * panel's × closes it.
 */
export const styles = `
:host{all:initial;--sb-color:#1f6feb;--sb-text:#fff}
.root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;text-align:left}
*{box-sizing:border-box;font:inherit}
[hidden]{display:none!important}
button{cursor:pointer;border:0;background:none;color:inherit}
button:focus-visible,textarea:focus-visible,input:focus-visible{outline:2px solid var(--sb-color);outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;background:var(--sb-color);color:var(--sb-text);box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center}
.launcher svg{width:28px;height:28px;fill:currentColor}
.panel{position:absolute;right:0;bottom:72px;width:min(370px,calc(100vw - 40px));height:min(560px,calc(100vh - 120px));background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
header{background:var(--sb-color);color:var(--sb-text);padding:12px 14px;display:flex;align-items:center;gap:8px}
header h2{margin:0;font-size:16px;font-weight:600;flex:1}
header button{font-size:22px;line-height:1;width:32px;height:32px;border-radius:6px}
.start-call svg{width:20px;fill:none;stroke:currentColor;stroke-width:2}
[aria-disabled=true]{opacity:.55;cursor:not-allowed}
.callbar{background:#0d1117;color:#f0f6fc;padding:8px 12px}
.callbar p{margin:0;font-weight:600}
.actions{display:flex;gap:8px;margin-top:8px}
.actions:empty{display:none}
.actions button{border:1px solid;border-radius:8px;padding:6px 12px;font-weight:600}
.status{background:#fff8c5;padding:4px 14px;font-size:12px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f6f8fa}
.msg{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #d0d7de;align-self:flex-start}
.msg.own{align-self:flex-end;background:var(--sb-color);color:var(--sb-text);border-color:transparent}
.who{display:block;font-size:11px;font-weight:600;opacity:.75}
.tick{display:block;font-size:11px;text-align:right;opacity:.8}
.msg.failed{background:#ffebe9;color:#82071e}
.msg img{display:block;max-width:100%;max-height:220px;border-radius:6px;margin-top:4px}
.msg a{color:inherit}
.note{align-self:center;text-align:center;font-size:12px;color:#57606a}
.typing{min-height:20px;padding:0 14px;font-size:12px;color:#57606a;background:#f6f8fa}
form.compose{display:flex;gap:6px;padding:8px;border-top:1px solid #d0d7de;align-items:flex-end}
textarea{flex:1;resize:none;border:1px solid #d0d7de;border-radius:8px;padding:8px;max-height:120px;min-height:38px}
.send{background:var(--sb-color);color:var(--sb-text);border-radius:8px;padding:8px 12px;font-weight:600}
.attach{width:36px;height:38px;border-radius:8px;display:grid;place-items:center}
.attach svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2}
form.prechat{padding:16px;display:flex;flex-direction:column;gap:10px;flex:1;overflow-y:auto}
form.prechat label{display:flex;flex-direction:column;gap:4px;font-weight:600}
form.prechat input{border:1px solid #d0d7de;border-radius:8px;padding:8px;font-weight:400}
.error{color:#cf222e;font-size:12px;min-height:1em}
form.survey{padding:8px 12px;border-top:1px solid #d0d7de;display:flex;flex-direction:column;gap:6px}
form.survey p{margin:0;font-weight:600}
.rates{display:flex;gap:6px}
.rate{flex:1;height:36px;border:1px solid #d0d7de;border-radius:8px;font-weight:600}
.rate[aria-pressed=true]{background:var(--sb-color);color:var(--sb-text);border-color:transparent}
.unavailable{margin:auto;padding:24px;text-align:center;color:#57606a}
@media (max-width:480px){.panel{position:fixed;inset:0;width:auto;height:auto;height:100dvh;border-radius:0}.root.open .launcher{display:none}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
