/**
 * Tabs (WAI-ARIA's tabs pattern): one tab in the Tab order (the selected one), arrows move along the row and
 * select — mirrored in a right-to-left language — Home and End to its ends; each panel is labelled by its
 * tab. Unselected panels stay mounted but hidden, so what was typed in one is still there.
 */
import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";

export interface TabSpec {
  readonly key: string;
  readonly label: ReactNode;
  readonly panel: ReactNode;
}

/** @example <Tabs label="Customer" tabs={[{ key: "card", label: "Card", panel: <Card /> }]} selected={tab} onSelect={setTab} /> */
export function Tabs({
  label,
  tabs,
  selected,
  onSelect,
  extra,
}: {
  readonly label: string;
  readonly tabs: readonly TabSpec[];
  readonly selected: string;
  readonly onSelect: (key: string) => void;
  /** Shown at the end of the tab row (a plugins' slot with their own tab buttons). */
  readonly extra?: ReactNode;
}) {
  const base = useId();
  const list = useRef<HTMLDivElement>(null);
  const index = Math.max(
    0,
    tabs.findIndex((tab) => tab.key === selected),
  );

  const keys = (event: KeyboardEvent<HTMLDivElement>) => {
    const rtl = event.currentTarget.closest("[dir]")?.getAttribute("dir") === "rtl";
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const backward = rtl ? "ArrowRight" : "ArrowLeft";
    const to =
      event.key === forward
        ? index + 1
        : event.key === backward
          ? index - 1
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? tabs.length - 1
              : null;
    if (to === null) return;
    event.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length]!;
    onSelect(next.key);
    list.current?.querySelector<HTMLElement>(`[data-tab="${CSS.escape(next.key)}"]`)?.focus();
  };

  return (
    <div className="sb-tabs">
      <div ref={list} role="tablist" aria-label={label} className="sb-tablist" onKeyDown={keys}>
        {tabs.map((tab, i) => (
          <button
            key={tab.key}
            type="button"
            role="tab"
            data-tab={tab.key}
            id={`${base}-tab-${i}`}
            aria-selected={i === index}
            aria-controls={`${base}-panel-${i}`}
            tabIndex={i === index ? 0 : -1}
            className="sb-tab"
            onClick={() => onSelect(tab.key)}
          >
            {tab.label}
          </button>
        ))}
        {extra}
      </div>
      {tabs.map((tab, i) => (
        <div
          key={tab.key}
          role="tabpanel"
          id={`${base}-panel-${i}`}
          aria-labelledby={`${base}-tab-${i}`}
          hidden={i !== index}
          className="sb-tabpanel"
        >
          {tab.panel}
        </div>
      ))}
    </div>
  );
}
