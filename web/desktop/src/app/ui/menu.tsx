/**
 * A menu button (WAI-ARIA's menu button pattern): the button says it opens a menu and whether it is open;
 * the menu takes focus on its first item, arrows move through it (Home, End too), Enter or Space picks,
 * Escape or Tab closes it and focus goes back to the button; a click outside closes it. Items may be plain
 * actions or radio choices (the language, the theme), and a menu may be cut into labelled groups.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface MenuItem {
  readonly key: string;
  readonly label: ReactNode;
  readonly icon?: ReactNode;
  /** A radio choice: whether it is the one chosen. */
  readonly checked?: boolean;
  /** What a screen reader says when the label is a picture (an emoji). */
  readonly ariaLabel?: string;
  readonly onSelect: () => void;
}

export interface MenuGroup {
  readonly label?: string;
  /** A line said under the label, not a choice (where the workspace keeps its data). */
  readonly note?: string;
  readonly items: readonly MenuItem[];
}

export interface MenuProps {
  /** What the button shows; `label` is what it is called (a screen reader, a tooltip). */
  readonly button: ReactNode;
  readonly label: string;
  readonly groups: readonly MenuGroup[];
  /** Which side it opens on, in the reading direction. */
  readonly align?: "start" | "end";
  /** Lay the items out as a grid of this many columns (an emoji picker): arrows move in two dimensions. */
  readonly columns?: number;
}

/** @example <Menu label="Settings" button={<Icon name="settings" />} groups={[{ label: "Theme", items }]} /> */
export function Menu({ button, label, groups, align = "end", columns }: MenuProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  const items = () => [...(root.current?.querySelectorAll<HTMLElement>("[data-menu-item]") ?? [])];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const outside = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const keys = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const go = (next: number) => {
      event.preventDefault();
      all[(next + all.length) % all.length]?.focus();
    };
    const row = columns ?? 1;
    const forward = document.dir === "rtl" ? "ArrowLeft" : "ArrowRight";
    const back = document.dir === "rtl" ? "ArrowRight" : "ArrowLeft";
    if (event.key === "ArrowDown") go(index + row);
    else if (event.key === "ArrowUp") go(index - row);
    else if (columns && event.key === forward) go(index + 1);
    else if (columns && event.key === back) go(index - 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(all.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Tab") close(false);
  };

  return (
    <div className="sb-menu" ref={root}>
      <button
        ref={trigger}
        type="button"
        className="sb-icon-button sb-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        title={label}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {button}
      </button>
      {open && (
        <div id={menuId} className="sb-menu-list" role="menu" aria-label={label} data-align={align} data-columns={columns} onKeyDown={keys}>
          {groups.map((group, g) => (
            <div
              key={group.label ?? g}
              role="group"
              aria-label={[group.label, group.note].filter(Boolean).join(". ") || undefined}
              className="sb-menu-group"
              style={columns ? { gridTemplateColumns: `repeat(${columns}, auto)` } : undefined}
            >
              {group.label && (
                <div className="sb-menu-group-label" aria-hidden="true">
                  {group.label}
                </div>
              )}
              {group.note && (
                <div className="sb-menu-group-note" aria-hidden="true">
                  {group.note}
                </div>
              )}
              {group.items.map((item) => (
                <button
                  key={item.key}
                  type="button"
                  data-menu-item=""
                  role={item.checked === undefined ? "menuitem" : "menuitemradio"}
                  aria-checked={item.checked}
                  aria-label={item.ariaLabel}
                  title={item.ariaLabel}
                  tabIndex={-1}
                  className="sb-menu-item"
                  onClick={() => {
                    close(true);
                    item.onSelect();
                  }}
                >
                  {item.icon && <span className="sb-menu-item-icon">{item.icon}</span>}
                  <span>{item.label}</span>
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
