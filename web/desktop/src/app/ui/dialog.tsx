/**
 * The one modal dialog of the desk: labelled by its title, focus moved in when it opens (to `initialFocus`,
 * else its first control) and back to what had it when it closes, Tab kept inside, Escape and a click on the
 * backdrop close it. Screens put their content in it; arrow keys and the like stay theirs.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from "react";

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  readonly title: ReactNode;
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** What has focus when it opens; default its first control. */
  readonly initialFocus?: RefObject<HTMLElement | null>;
  /** The screen's own keys (arrows through a list), after Escape and Tab are handled. */
  readonly onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
  readonly className?: string;
}

/** @example <Dialog title="Transfer to" onClose={close}><TargetList /></Dialog> */
export function Dialog({ title, onClose, children, initialFocus, onKeyDown, className }: DialogProps) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    (initialFocus?.current ?? box.current?.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    return () => opener?.focus?.();
  }, [initialFocus]);

  const keys = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key === "Tab" && box.current) {
      const all = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const [first, last] = [all[0], all.at(-1)];
      if (first && last && event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (first && last && !event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
      return;
    }
    onKeyDown?.(event);
  };

  return (
    <div className="sb-dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={box}
        className={["sb-dialog-box", className ?? ""].filter(Boolean).join(" ")}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={keys}
      >
        <h2 id={titleId} className="sb-dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}
