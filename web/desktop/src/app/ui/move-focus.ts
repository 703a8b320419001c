/**
 * Arrow keys through a list of focusable items (search results under a search box, menu items): one rule
 * for every such list, so up and down behave the same everywhere in the desk.
 */

/**
 * Moves focus `step` items on from `from`, wrapping at the ends; from outside the list (the search box),
 * down goes to the first item and up to the last. Nothing happens in an empty list.
 * @example moveFocus([...list.querySelectorAll("[role=menuitem]")], document.activeElement, 1);
 */
export function moveFocus(items: readonly HTMLElement[], from: Element | null, step: 1 | -1): void {
  if (items.length === 0) return;
  const index = from ? items.indexOf(from as HTMLElement) : -1;
  const next = index === -1 ? (step === 1 ? 0 : items.length - 1) : (index + step + items.length) % items.length;
  items[next]!.focus();
}

/**
 * A keydown handler for a container (a dialog): ArrowDown and ArrowUp move focus among its items that
 * match `selector` (moveFocus); every other key is left alone.
 * @example <Dialog onKeyDown={arrowKeysAmong("[data-target]")} …>
 */
export function arrowKeysAmong(selector: string) {
  return (event: { key: string; preventDefault(): void; currentTarget: Element }): void => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(selector)];
    moveFocus(items, document.activeElement, event.key === "ArrowDown" ? 1 : -1);
  };
}
