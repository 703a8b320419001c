/**
 * A pane the agent can resize: a vertical separator (WAI-ARIA's window splitter) beside it, dragged with
 * the pointer or moved with the arrow keys (Home and End to its limits), the width remembered in this
 * browser. Directions follow the reading direction: in a right-to-left language the panes are mirrored
 * and so are the keys.
 */
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";

const STEP = 16;

/**
 * A pane's width in px, kept between visits under `key`, within `min`–`max`.
 * @example const [width, setWidth] = usePaneWidth("customer", 320, 260, 480);
 */
export function usePaneWidth(key: string, initial: number, min: number, max: number): [number, (width: number) => void] {
  const storageKey = `sb.pane.${key}`;
  const clamp = useCallback((width: number) => Math.round(Math.min(max, Math.max(min, width))), [min, max]);
  const [width, setState] = useState(() => {
    const stored = Number(globalThis.localStorage?.getItem(storageKey));
    return clamp(Number.isFinite(stored) && stored > 0 ? stored : initial);
  });
  const set = useCallback(
    (next: number) => {
      const clamped = clamp(next);
      setState(clamped);
      try {
        globalThis.localStorage?.setItem(storageKey, String(clamped));
      } catch {
        // Storage full or refused (a private window): the width still holds for this page.
      }
    },
    [clamp, storageKey],
  );
  return [width, set];
}

export interface SplitterProps {
  /** What the pane it resizes is called ("Resize the customer panel"). */
  readonly label: string;
  readonly width: number;
  readonly min: number;
  readonly max: number;
  readonly onResize: (width: number) => void;
  /** Which side of the separator the pane is on, in the reading direction. */
  readonly pane: "start" | "end";
}

/** @example <Splitter label="Resize the customer panel" pane="end" width={w} min={260} max={480} onResize={setW} /> */
export function Splitter({ label, width, min, max, onResize, pane }: SplitterProps) {
  const drag = useRef<{ x: number; width: number; sign: number } | null>(null);
  // Moving towards the pane's side shrinks it; in a right-to-left page, "start" is on the right.
  const signOf = (element: Element) => {
    const rtl = element.closest("[dir]")?.getAttribute("dir") === "rtl";
    return (pane === "end" ? -1 : 1) * (rtl ? -1 : 1);
  };

  const keys = (event: KeyboardEvent<HTMLDivElement>) => {
    const sign = signOf(event.currentTarget);
    const next =
      event.key === "ArrowRight"
        ? width + STEP * sign
        : event.key === "ArrowLeft"
          ? width - STEP * sign
          : event.key === "Home"
            ? min
            : event.key === "End"
              ? max
              : null;
    if (next === null) return;
    event.preventDefault();
    onResize(next);
  };

  const down = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { x: event.clientX, width, sign: signOf(event.currentTarget) };
  };
  const move = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) onResize(start.width + (event.clientX - start.x) * start.sign);
  };
  const up = () => {
    drag.current = null;
  };

  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      className="sb-splitter"
      onKeyDown={keys}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
    />
  );
}
