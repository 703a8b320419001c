/**
 * The call panel's and the supervisor's call controls' CSS, injected once (as the task canvas's is): the
 * theme's custom properties and logical properties only, so light / dark and right-to-left need nothing
 * more. The video stage is bounded in height so a 1280 × 720 screen keeps the chat below it usable.
 */
import { injectStylesheet } from "./styles";

const css = `
.sb-call { display: grid; gap: var(--sb-space-sm); padding: var(--sb-space-sm) var(--sb-space-md); border-block-end: 1px solid var(--sb-color-border); background: var(--sb-color-surface); }
.sb-call[data-state="held"] { background: var(--sb-color-warning-soft); }
.sb-call__head { display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-xs) var(--sb-space-md); }
.sb-call__head h3 { display: inline-flex; align-items: center; gap: var(--sb-space-xs); margin: 0; font-size: var(--sb-font-size-md); }
.sb-call__quality { display: flex; flex-wrap: wrap; gap: var(--sb-space-md); margin: 0; margin-inline-start: auto; padding: 0; list-style: none; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-call__quality li { display: inline-flex; align-items: center; gap: var(--sb-space-xs); }
.sb-call__quality [data-quality="poor"], .sb-call__quality [data-quality="lost"] { color: var(--sb-color-error); }
.sb-call__parties, .sb-call__consult, .sb-call__muted { display: flex; align-items: center; gap: var(--sb-space-xs); margin: 0; font-size: var(--sb-font-size-sm); }
.sb-call__muted { color: var(--sb-color-warning); }
.sb-call__controls { display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-sm); }
.sb-call__controls .sb-button-danger { margin-inline-start: auto; }
.sb-call__devices { position: relative; }
.sb-call__device-list { position: absolute; inset-block-start: calc(100% + var(--sb-space-xs)); inset-inline-start: 0; z-index: 10; display: grid; gap: var(--sb-space-sm); inline-size: min(20rem, 80vw); padding: var(--sb-space-md); background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-md); box-shadow: var(--sb-elevation-mid); }
.sb-call__device-list[hidden] { display: none; }
.sb-call__device { display: grid; gap: var(--sb-space-xs); font-size: var(--sb-font-size-sm); }
.sb-call__device select { font: inherit; color: inherit; background: var(--sb-color-surface); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); padding: var(--sb-space-xs); }
.sb-call__stage { display: flex; gap: var(--sb-space-sm); align-items: flex-start; min-block-size: 0; }
.sb-call__video { position: relative; margin: 0; flex: 1 1 0; min-inline-size: 0; max-block-size: 30vh; }
.sb-call__video video { display: block; inline-size: 100%; max-block-size: 30vh; object-fit: contain; background: #000; border-radius: var(--sb-radius-sm); }
.sb-call__video[data-self] { flex: 0 0 9rem; }
.sb-call__video[data-self] video { transform: scaleX(-1); }
.sb-call__video figcaption { position: absolute; inset-block-end: var(--sb-space-xs); inset-inline-start: var(--sb-space-xs); padding-inline: var(--sb-space-xs); border-radius: var(--sb-radius-sm); background: rgb(0 0 0 / .6); color: #fff; font-size: var(--sb-font-size-sm); }
.sb-call__novideo { flex: 1 1 0; margin: 0; padding: var(--sb-space-md); text-align: center; border: 1px dashed var(--sb-color-border); border-radius: var(--sb-radius-sm); }
.sb-call__error { margin: 0; color: var(--sb-color-error); }
.sb-sv-call { display: grid; gap: var(--sb-space-sm); padding: var(--sb-space-sm) 0; }
.sb-sv-call__head { display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-xs) var(--sb-space-md); }
.sb-sv-call__modes { display: flex; flex-wrap: wrap; gap: var(--sb-space-sm); }
.sb-sv-call__modes [aria-pressed="true"] { background: var(--sb-color-primary); color: var(--sb-color-on-primary); border-color: var(--sb-color-primary); }
`;

/** Adds the call controls' stylesheet to the document once. */
export const ensureCallStyles = (doc: Document | undefined = globalThis.document): void => injectStylesheet("sb-call-styles", css, doc);
