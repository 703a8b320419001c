/**
 * The canned-responses menu next to the composer: a button that opens a searchable `role="menu"`;
 * ArrowUp/ArrowDown move between responses, Enter or a click inserts one, Escape closes and returns
 * focus to the button. The responses are the workspace's `settings.cannedResponses`.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useStrings } from "../desktop-context";
import type { DesktopSettings } from "../types";
import { moveFocus } from "../ui";

export function CannedMenu({
  responses,
  disabled,
  onInsert,
}: {
  responses: DesktopSettings["cannedResponses"];
  disabled: boolean;
  onInsert: (body: string) => void;
}) {
  const t = useStrings();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const button = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (open) search.current?.focus();
  }, [open]);

  const needle = query.trim().toLocaleLowerCase();
  const shown = responses.filter((r) => needle === "" || `${r.title}\n${r.body}`.toLocaleLowerCase().includes(needle));

  const close = (): void => {
    setOpen(false);
    setQuery("");
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    const inList = list.current?.contains(document.activeElement) ?? false;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const items = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
      moveFocus(items, inList ? document.activeElement : null, event.key === "ArrowDown" ? 1 : -1);
    }
  };

  if (responses.length === 0) return null;
  return (
    <div
      className="sb-canned"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        // Focus left the menu (a click elsewhere, Tab past it): close without stealing focus back.
        if (open && !event.currentTarget.contains(event.relatedTarget as Node | null)) {
          setOpen(false);
          setQuery("");
        }
      }}
    >
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={disabled}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t("chat.cannedResponses")}
      </button>
      {open && (
        <div className="sb-canned__popup">
          <input
            ref={search}
            type="search"
            aria-label={t("chat.cannedResponses.search")}
            placeholder={t("chat.cannedResponses.search")}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          <ul ref={list} id={menuId} role="menu" aria-label={t("chat.cannedResponses")}>
            {shown.map((response, i) => (
              <li key={`${i}:${response.title}`} role="none">
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  // Keep focus inside the menu on click (Safari does not focus buttons): the blur would close it first.
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => {
                    onInsert(response.body);
                    setOpen(false);
                    setQuery("");
                  }}
                >
                  <span className="sb-canned__title">{response.title}</span>
                  <span className="sb-canned__body">{response.body}</span>
                </button>
              </li>
            ))}
          </ul>
          {shown.length === 0 && <p className="sb-muted">{t("chat.cannedResponses.empty")}</p>}
        </div>
      )}
    </div>
  );
}
