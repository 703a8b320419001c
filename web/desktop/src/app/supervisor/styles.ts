/**
 * The supervisor views' CSS, injected once into the document. Only the theme's custom properties
 * (`--sb-…`) and logical properties (`padding-inline`, `text-align: start`, `inset-inline-start`), so
 * themes and right-to-left layouts need nothing more; numbers use tabular figures so ticking clocks do
 * not make columns jump.
 */
const css = `
.sb-sv-state-dot { margin-inline-end: var(--sb-space-xs); vertical-align: middle; }
.sb-sv-tiles { display: grid; gap: var(--sb-space-md); margin-block-end: var(--sb-space-lg); }
.sb-sv-tiles-row { display: flex; flex-wrap: wrap; gap: var(--sb-space-md); align-items: stretch; }
.sb-sv-states { display: flex; flex-wrap: wrap; gap: var(--sb-space-sm); align-items: center; padding: var(--sb-space-md) var(--sb-space-lg); background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-lg); box-shadow: var(--sb-elevation-low); }
.sb-sv-state { display: grid; grid-template-columns: auto auto; column-gap: var(--sb-space-xs); align-items: center; min-inline-size: 5.5rem; }
.sb-sv-state-count { font-size: var(--sb-font-size-xl); font-weight: var(--sb-font-weight-bold); font-variant-numeric: tabular-nums; }
.sb-sv-state-label { grid-column: 1 / -1; font-size: var(--sb-font-size-xs); color: var(--sb-color-text-muted); }
.sb-sv-queue-tiles { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: var(--sb-space-md); }
.sb-sv-queue-tile { display: grid; grid-template-columns: repeat(3, 1fr); gap: var(--sb-space-sm); padding: var(--sb-space-md); background: var(--sb-color-surface); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-lg); }
.sb-sv-queue-tile .sb-tile { min-inline-size: 0; padding: var(--sb-space-sm) var(--sb-space-md); box-shadow: none; }
.sb-sv-queue-tile .sb-tile-value { font-size: var(--sb-font-size-xl); }
.sb-sv-queue-tile-name { grid-column: 1 / -1; margin: 0; font-weight: var(--sb-font-weight-bold); }
.sb-sv { position: relative; display: flex; flex-direction: column; gap: var(--sb-space-md); padding: var(--sb-space-md); color: var(--sb-color-text); background: var(--sb-color-bg); font-family: var(--sb-font-family); font-size: var(--sb-font-size-md); line-height: var(--sb-font-line-height); }
.sb-sv button, .sb-sv input, .sb-sv select { font: inherit; color: inherit; }
.sb-sv button, .sb-sv select, .sb-sv input { background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); padding-block: var(--sb-space-xs); padding-inline: var(--sb-space-sm); }
.sb-sv button { cursor: pointer; }
.sb-sv button:disabled { opacity: .55; cursor: not-allowed; }
.sb-sv :focus-visible { outline: 2px solid var(--sb-color-focus); outline-offset: 2px; }
/* The connection's status sits at the end of the tab row, not on a line of its own. */
.sb-sv-top { position: absolute; inset-inline-end: var(--sb-space-md); inset-block-start: var(--sb-space-md); block-size: 2.5rem; display: flex; align-items: center; }
.sb-sv .sb-tab { border: none; border-block-end: 2px solid transparent; border-radius: 0; background: none; }
.sb-sv .sb-tabpanel { padding-block-start: var(--sb-space-md); }
.sb-sv-status { margin: 0; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-sv-filters { display: flex; flex-wrap: wrap; gap: var(--sb-space-md); }
.sb-sv-filter { display: flex; flex-direction: column; gap: var(--sb-space-xs); min-inline-size: 10rem; }
.sb-sv-scroll { overflow-x: auto; }
.sb-sv-table { inline-size: 100%; border-collapse: collapse; background: var(--sb-color-surface-raised); }
.sb-sv-table caption { text-align: start; font-weight: var(--sb-font-weight-bold); padding-block: var(--sb-space-sm); }
.sb-sv-table th, .sb-sv-table td { text-align: start; vertical-align: top; padding-block: var(--sb-space-sm); padding-inline: var(--sb-space-sm); border-block-end: 1px solid var(--sb-color-border); }
.sb-sv-table thead th { background: var(--sb-color-surface); font-size: var(--sb-font-size-sm); color: var(--sb-color-text-muted); }
.sb-sv-num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.sb-sv-call { display: inline-flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-xs); font-variant-numeric: tabular-nums; }
.sb-sv-call > * { white-space: nowrap; }
.sb-sv-dot { display: inline-block; inline-size: .6em; block-size: .6em; border-radius: var(--sb-radius-pill); background: var(--sb-color-text-muted); margin-inline-end: var(--sb-space-xs); }
.sb-sv-dot-on { background: var(--sb-color-success); }
.sb-sv-plain { list-style: none; margin: 0; padding: 0; }
.sb-sv-hint { margin: 0; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-sv-visually-hidden { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.sb-sv-dialog { inline-size: min(32rem, calc(100vw - 2 * var(--sb-space-lg))); }
.sb-sv-dialog form { display: flex; flex-direction: column; gap: var(--sb-space-sm); }
.sb-sv-dialog fieldset { border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-md); display: flex; flex-direction: column; gap: var(--sb-space-sm); }
.sb-sv-chips { display: flex; flex-wrap: wrap; gap: var(--sb-space-xs); list-style: none; margin: 0; padding: 0; }
.sb-sv-chip { display: inline-flex; align-items: center; gap: var(--sb-space-xs); padding-inline: var(--sb-space-sm) var(--sb-space-xs); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-pill); background: var(--sb-color-surface); }
.sb-sv .sb-sv-chip button { border: none; background: none; padding-inline: var(--sb-space-xs); }
.sb-sv-capacity { display: flex; align-items: center; justify-content: space-between; gap: var(--sb-space-md); }
.sb-sv-capacity input { inline-size: 5rem; }
.sb-sv-error { margin: 0; min-block-size: 1.4em; color: var(--sb-color-error); }
.sb-sv-buttons { display: flex; justify-content: flex-end; gap: var(--sb-space-sm); }
.sb-sv .sb-sv-primary { background: var(--sb-color-primary); color: var(--sb-color-on-primary); border-color: var(--sb-color-primary); }
.sb-sv-tasks { display: flex; flex-direction: column; gap: var(--sb-space-xs); }
.sb-sv-task { display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-xs); white-space: nowrap; }
.sb-sv-task-customer { max-inline-size: 14rem; overflow: hidden; text-overflow: ellipsis; }
.sb-sv-live { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: var(--sb-space-lg); align-items: start; }
.sb-sv-live-list { display: flex; flex-direction: column; gap: var(--sb-space-md); min-inline-size: 0; }
.sb-sv-live tr[aria-current="true"] { background: var(--sb-color-surface); }
.sb-sv-live-detail { min-inline-size: 0; }
.sb-sv-live-chat { display: flex; flex-direction: column; gap: var(--sb-space-sm); background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-lg); padding: var(--sb-space-md); box-shadow: var(--sb-elevation-low); }
.sb-sv-live-chat[data-joined] { border-color: var(--sb-color-warning); }
.sb-sv-live-chat-header { display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-sm); }
.sb-sv-live-chat-header h2 { margin: 0; font-size: var(--sb-font-size-lg); flex: 1 1 auto; }
.sb-sv-live-log { display: flex; flex-direction: column; max-block-size: 50vh; min-block-size: 12rem; border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-md); background: var(--sb-color-bg); }
@media (max-width: 1100px) { .sb-sv-live { grid-template-columns: minmax(0, 1fr); } }
`;

const STYLE_ID = "sb-supervisor-styles";

/** Adds the supervisor views' stylesheet to the document once. */
export function ensureSupervisorStyles(doc: Document | undefined = globalThis.document): void {
  if (!doc || doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = css;
  doc.head.append(style);
}
