/**
 * The one React piece of the framework: `<Slot>` renders a named slot's entries (see slots.ts) and
 * re-renders when a plugin changes the slot. React components are rendered with the slot's props; DOM
 * components (`{ mount(el, props) }`, what plain-JS plugins write) get their own element. Each entry
 * sits behind an error boundary, so one broken plugin component shows nothing instead of taking the
 * whole desktop down, and the error is reported.
 */
import { Component, createElement, useEffect, useReducer, useRef, type ComponentType, type ErrorInfo, type ReactNode } from "react";
import { isDomComponent, type DomComponent, type SlotName, type SlotProps, type Slots } from "./slots";

export interface SlotViewProps {
  slots: Slots;
  name: SlotName;
  props?: SlotProps;
  /** Shown when the slot has no visible entry. */
  fallback?: ReactNode;
  onError?: (entryKey: string, error: unknown) => void;
}

class EntryBoundary extends Component<
  { entryKey: string; onError: (key: string, error: unknown) => void; children: ReactNode },
  { failed: boolean }
> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(error: unknown, _info: ErrorInfo): void {
    this.props.onError(this.props.entryKey, error);
  }
  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}

function DomHost({ component, props }: { component: DomComponent; props: SlotProps }): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const cleanup = component.mount(element, props);
    return () => {
      if (typeof cleanup === "function") cleanup();
      element.replaceChildren();
    };
  }, [component, props]);
  return <div ref={ref} style={{ display: "contents" }} />;
}

const noProps: SlotProps = Object.freeze({});

/**
 * Renders a slot. DOM components re-mount when `props` changes identity, so pass memoized props.
 *
 * @example
 * <Slot slots={desktop.Slots} name="CustomerPanel" props={{ task }} fallback={<p>{t("customer.history.empty")}</p>} />
 */
export function Slot({ slots, name, props = noProps, fallback = null, onError }: SlotViewProps): ReactNode {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => slots.subscribe((changed) => changed === name && rerender()), [slots, name]);
  const report = onError ?? ((key: string, error: unknown) => console.error(`Slot ${name}: component "${key}" failed`, error));
  const entries = slots.entries(name, props);
  if (entries.length === 0) return fallback;
  return entries.map((entry) => (
    <EntryBoundary key={entry.key} entryKey={entry.key} onError={report}>
      {isDomComponent(entry.component) ? (
        <DomHost component={entry.component} props={props} />
      ) : (
        createElement(entry.component as ComponentType<SlotProps>, props)
      )}
    </EntryBoundary>
  ));
}
