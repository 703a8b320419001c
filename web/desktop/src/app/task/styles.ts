/**
 * The task canvas's CSS, injected once into the document (no CSS framework, no build step for CSS). Only
 * the theme's custom properties (`--sb-…`) and logical properties (`margin-inline-start`, `inset-inline-end`),
 * so themes and right-to-left layouts need nothing more. The typing line reserves its height: the log
 * does not jump when someone starts or stops typing.
 */
const css = `
.sb-customer__card { display: grid; gap: var(--sb-space-sm); padding: var(--sb-space-md); margin-block-end: var(--sb-space-md); background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-lg); }
.sb-customer__who { display: flex; align-items: center; gap: var(--sb-space-sm); }
.sb-customer__name { margin: 0; font-size: var(--sb-font-size-lg); font-weight: var(--sb-font-weight-bold); overflow-wrap: anywhere; }
.sb-customer__contact { display: grid; grid-template-columns: auto 1fr; gap: var(--sb-space-xs) var(--sb-space-md); margin: 0; }
.sb-customer__contact > div { display: contents; }
.sb-customer__contact dt { color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-customer__contact dd { margin: 0; overflow-wrap: anywhere; }
.sb-customer__addresses { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--sb-space-xs); font-size: var(--sb-font-size-sm); }
.sb-customer__addresses li, .sb-customer__history li { display: flex; align-items: center; gap: var(--sb-space-sm); }
.sb-customer__history li { flex-wrap: wrap; }
.sb-customer__outcome { display: inline-flex; align-items: center; gap: var(--sb-space-xs); font-size: var(--sb-font-size-sm); }
.sb-customer__raw summary { cursor: pointer; color: var(--sb-color-text-muted); padding-block: var(--sb-space-sm); }
.sb-task { display: flex; flex-direction: column; min-block-size: 0; block-size: 100%; background: var(--sb-color-bg); color: var(--sb-color-text); font-family: var(--sb-font-family); }
.sb-task[hidden] { display: none; }
.sb-task button, .sb-task input, .sb-task textarea { font: inherit; color: inherit; }
.sb-task button { background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); padding-block: var(--sb-space-xs); padding-inline: var(--sb-space-sm); cursor: pointer; }
.sb-task button:disabled { opacity: .55; cursor: not-allowed; }
.sb-task .sb-primary { background: var(--sb-color-primary); color: var(--sb-color-on-primary); border-color: var(--sb-color-primary); }
.sb-task :focus-visible { outline: 2px solid var(--sb-color-focus); outline-offset: 2px; }
.sb-muted { color: var(--sb-color-text-muted); }
.sb-task__header { display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-sm) var(--sb-space-md); padding: var(--sb-space-md); border-block-end: 1px solid var(--sb-color-border); background: var(--sb-color-surface); }
.sb-task__who { flex: 1 1 12rem; min-inline-size: 0; }
.sb-task__who h2 { margin: 0; font-size: var(--sb-font-size-lg); }
.sb-task__who p, .sb-task__meta { margin: 0; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-task__meta { display: flex; flex-wrap: wrap; gap: var(--sb-space-sm); list-style: none; padding: 0; }
.sb-task__actions { display: flex; flex-wrap: wrap; gap: var(--sb-space-sm); align-items: center; margin-inline-start: auto; }
.sb-wrapup { display: grid; gap: var(--sb-space-sm); padding: var(--sb-space-md); border-block-start: 1px solid var(--sb-color-border); background: var(--sb-color-surface); }
.sb-wrapup__head { display: flex; flex-wrap: wrap; align-items: baseline; gap: var(--sb-space-sm) var(--sb-space-md); }
.sb-wrapup__head h3 { margin: 0; font-size: var(--sb-font-size-md); }
.sb-wrapup form { display: grid; gap: var(--sb-space-sm); justify-items: start; }
.sb-wrapup-ends { margin: 0; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-wrapup__codes { display: flex; flex-wrap: wrap; gap: var(--sb-space-xs) var(--sb-space-md); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); margin: 0; }
.sb-wrapup__notes { display: grid; gap: var(--sb-space-xs); inline-size: 100%; }
.sb-wrapup__notes label { display: inline-flex; align-items: center; gap: var(--sb-space-xs); font-size: var(--sb-font-size-sm); }
.sb-wrapup__notes textarea { resize: vertical; padding: var(--sb-space-sm); background: var(--sb-color-warning-soft); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); }
.sb-task__main > .sb-tabs { flex: 1 1 auto; display: flex; flex-direction: column; min-block-size: 0; }
.sb-task__main .sb-tablist { padding-inline: var(--sb-space-md); }
.sb-task .sb-tab { border: 0; border-block-end: 3px solid transparent; border-radius: 0; background: none; padding: var(--sb-space-sm) var(--sb-space-md); }
.sb-task .sb-tab[aria-selected="true"] { border-block-end-color: var(--sb-color-primary); }
.sb-task__main .sb-tabpanel { flex: 1 1 auto; min-block-size: 0; overflow: auto; }
.sb-task__main .sb-tabpanel[hidden] { display: none; }
.sb-task__body { flex: 1 1 auto; display: flex; min-block-size: 0; }
.sb-task__main { flex: 1 1 0; min-inline-size: 20rem; display: flex; flex-direction: column; min-block-size: 0; }
.sb-task__context { flex: none; max-inline-size: 45%; overflow: auto; border-inline-start: 1px solid var(--sb-color-border); background: var(--sb-color-surface); }
.sb-chat { display: flex; flex-direction: column; block-size: 100%; }
.sb-chat__log { flex: 1 1 auto; overflow-y: auto; padding: var(--sb-space-md); }
.sb-chat__log ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: var(--sb-space-sm); }
.sb-chat__message { max-inline-size: 75%; padding: var(--sb-space-sm) var(--sb-space-md); border-radius: var(--sb-radius-md); background: var(--sb-color-surface); border: 1px solid var(--sb-color-border); align-self: flex-start; }
.sb-chat__message--mine { align-self: flex-end; background: var(--sb-color-surface-raised); }
.sb-chat__message--agent { border-inline-start: 3px solid var(--sb-color-info); }
.sb-chat__message--supervisor { border-inline-start: 3px solid var(--sb-color-primary); }
.sb-chat__message[data-staff] { background: var(--sb-color-warning-soft); border: 1px dashed var(--sb-color-warning); }
.sb-chat__staff { display: inline-flex; align-items: center; gap: var(--sb-space-xs); margin-inline-start: var(--sb-space-sm); font-weight: var(--sb-font-weight-regular); color: var(--sb-color-text); }
.sb-chat__message--system, .sb-chat__note { align-self: center; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); background: none; border: 0; }
.sb-chat__author { display: block; font-size: var(--sb-font-size-sm); font-weight: var(--sb-font-weight-bold); }
.sb-chat__body { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.sb-chat__time, .sb-chat__delivery { font-size: var(--sb-font-size-sm); color: var(--sb-color-text-muted); margin-inline-end: var(--sb-space-sm); }
.sb-chat__message[data-delivery="failed"] .sb-chat__delivery { color: var(--sb-color-error); }
.sb-chat__extra, .sb-chat__reaction { margin: 0; font-size: var(--sb-font-size-sm); color: var(--sb-color-text-muted); }
.sb-chat__form { display: grid; grid-template-columns: auto 1fr; gap: 0 var(--sb-space-sm); margin: var(--sb-space-xs) 0 0; font-size: var(--sb-font-size-sm); }
.sb-chat__form > div { display: contents; }
.sb-chat__form dt { font-weight: var(--sb-font-weight-bold); }
.sb-chat__form dd { margin: 0; overflow-wrap: anywhere; }
.sb-chat__image { display: block; max-inline-size: 100%; max-block-size: 16rem; border-radius: var(--sb-radius-sm); }
.sb-chat__typing { min-block-size: 1.5em; margin: 0; padding-inline: var(--sb-space-md); color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-chat__status { margin: 0; padding-inline: var(--sb-space-md); color: var(--sb-color-warning); }
.sb-composer { display: flex; flex-direction: column; gap: var(--sb-space-xs); padding: var(--sb-space-sm) var(--sb-space-md); border-block-start: 1px solid var(--sb-color-border); }
.sb-composer textarea { resize: vertical; min-block-size: 3em; padding: var(--sb-space-sm); background: var(--sb-color-surface); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); }
.sb-composer[data-note] { background: var(--sb-color-warning-soft); }
.sb-composer[data-note] textarea { border-color: var(--sb-color-warning); }
.sb-composer__tools { display: flex; gap: var(--sb-space-sm); align-items: center; flex-wrap: wrap; }
.sb-composer__tools button { display: inline-flex; align-items: center; gap: var(--sb-space-xs); }
.sb-composer__note-switch[aria-pressed="true"] { background: var(--sb-color-warning-soft); border-color: var(--sb-color-warning); }
.sb-composer__tools > [type="submit"] { margin-inline-start: auto; }
.sb-composer__files { display: flex; flex-wrap: wrap; gap: var(--sb-space-xs); list-style: none; margin: 0; padding: 0; }
.sb-canned { position: relative; }
.sb-canned__popup { position: absolute; inset-block-end: 100%; inset-inline-start: 0; z-index: 10; inline-size: min(24rem, 80vw); max-block-size: 18rem; overflow: auto; padding: var(--sb-space-sm); background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-md); box-shadow: var(--sb-elevation-mid); }
.sb-canned__popup ul { list-style: none; margin: var(--sb-space-xs) 0 0; padding: 0; }
.sb-canned__popup [role="menuitem"] { display: block; inline-size: 100%; text-align: start; border: 0; }
.sb-canned__title { display: block; font-weight: var(--sb-font-weight-bold); }
.sb-canned__body { display: block; color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sb-dialog { inline-size: min(28rem, 92vw); max-block-size: 80vh; }
.sb-dialog h3 { margin-block: var(--sb-space-md) var(--sb-space-xs); font-size: var(--sb-font-size-md); }
.sb-dialog input { inline-size: 100%; box-sizing: border-box; padding: var(--sb-space-sm); }
.sb-dialog__targets { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--sb-space-xs); }
.sb-dialog__targets button { display: flex; justify-content: space-between; inline-size: 100%; text-align: start; }
.sb-dialog__actions { display: flex; justify-content: flex-end; margin-block-start: var(--sb-space-md); }
.sb-customer { display: grid; gap: var(--sb-space-md); padding: var(--sb-space-md); }
.sb-customer h3 { margin-block: 0 var(--sb-space-xs); font-size: var(--sb-font-size-md); }
.sb-customer h3 a { font-weight: var(--sb-font-weight-regular); margin-inline-start: var(--sb-space-sm); color: var(--sb-color-primary); }
.sb-customer__crm iframe { inline-size: 100%; block-size: 24rem; border: 1px solid var(--sb-color-border); border-radius: var(--sb-radius-sm); background: #fff; }
.sb-customer__attributes { display: grid; grid-template-columns: minmax(8rem, auto) 1fr; gap: var(--sb-space-xs) var(--sb-space-md); margin: 0; }
.sb-customer__attributes div { display: contents; }
.sb-customer__attributes dt { color: var(--sb-color-text-muted); font-family: var(--sb-font-family-mono); font-size: var(--sb-font-size-sm); }
.sb-customer__attributes dd { margin: 0; overflow-wrap: anywhere; }
.sb-customer__history { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--sb-space-xs); }
.sb-customer__history li { display: flex; gap: var(--sb-space-md); }
.sb-self-service { display: grid; gap: var(--sb-space-xs); padding: var(--sb-space-md); background: var(--sb-color-surface-raised); border: 1px solid var(--sb-color-border); border-inline-start: 3px solid var(--sb-color-info); border-radius: var(--sb-radius-lg); }
.sb-self-service h3 { display: flex; align-items: center; gap: var(--sb-space-xs); }
.sb-self-service h4 { margin: var(--sb-space-sm) 0 0; font-size: var(--sb-font-size-sm); }
.sb-self-service p { margin: 0; }
.sb-self-service__flow { font-size: var(--sb-font-size-sm); overflow-wrap: anywhere; }
.sb-self-service__facts { display: grid; grid-template-columns: auto 1fr; gap: var(--sb-space-xs) var(--sb-space-md); margin: 0; align-items: center; }
.sb-self-service__facts > div { display: contents; }
.sb-self-service__facts dt { color: var(--sb-color-text-muted); font-size: var(--sb-font-size-sm); }
.sb-self-service__facts dd { margin: 0; display: flex; flex-wrap: wrap; align-items: center; gap: var(--sb-space-xs); overflow-wrap: anywhere; }
.sb-self-service__sure { font-size: var(--sb-font-size-sm); }
.sb-self-service__transcript { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--sb-space-xs); }
.sb-self-service__transcript li { padding: var(--sb-space-xs) var(--sb-space-sm); border-radius: var(--sb-radius-sm); background: var(--sb-color-surface); }
.sb-self-service__transcript li[data-from="bot"] { border-inline-start: 3px solid var(--sb-color-info); }
.sb-self-service__transcript p { white-space: pre-wrap; overflow-wrap: anywhere; }
.sb-self-service__who { display: flex; align-items: center; gap: var(--sb-space-xs); font-size: var(--sb-font-size-sm); font-weight: var(--sb-font-weight-bold); }
.sb-self-service__who time { margin-inline-start: auto; font-weight: var(--sb-font-weight-regular); color: var(--sb-color-text-muted); }
.sb-self-service__more { justify-self: start; }
`;

const STYLE_ID = "sb-task-canvas-styles";

/**
 * Adds a stylesheet (`<style id>`) to the document once: how each screen's CSS arrives.
 * @example injectStylesheet("sb-call-styles", css);
 */
export function injectStylesheet(id: string, text: string, doc: Document | undefined = globalThis.document): void {
  if (!doc || doc.getElementById(id)) return;
  const style = doc.createElement("style");
  style.id = id;
  style.textContent = text;
  doc.head.append(style);
}

/** Adds the canvas's stylesheet to the document once. */
export const ensureTaskStyles = (doc: Document | undefined = globalThis.document): void => injectStylesheet(STYLE_ID, css, doc);
