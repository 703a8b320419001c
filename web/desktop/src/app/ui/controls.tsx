/**
 * The design system's small components: buttons, badges, an avatar with the agent's state, an empty state,
 * a live timer, a headline tile. Each renders the documented `sb-` classes (styles/ui.css), which is also
 * what a plugin mounting plain DOM uses to look the same.
 */
import { useEffect, useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { formatDuration, initials, type Tone } from "./format";

type ButtonVariant = "default" | "primary" | "quiet" | "danger";

/** A button of the desk; `kbd` shows its keyboard shortcut. @example <Button variant="primary" kbd="A">Accept</Button> */
export function Button({
  variant = "default",
  kbd,
  className,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { readonly variant?: ButtonVariant; readonly kbd?: string }) {
  const classes = ["sb-button", variant === "default" ? "" : `sb-button-${variant}`, className ?? ""].filter(Boolean).join(" ");
  return (
    <button type="button" className={classes} {...props}>
      {children}
      {kbd && <kbd aria-hidden="true">{kbd}</kbd>}
    </button>
  );
}

/** A button that is only an icon: its `label` is what a screen reader says and the tooltip shows. @example <IconButton label="Close" icon={<Icon name="close" />} /> */
export function IconButton({
  label,
  icon,
  className,
  ...props
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "aria-label"> & { readonly label: string; readonly icon: ReactNode }) {
  return (
    <button
      type="button"
      className={["sb-icon-button", className ?? ""].filter(Boolean).join(" ")}
      aria-label={label}
      title={label}
      {...props}
    >
      {icon}
    </button>
  );
}

/** A short status in a tone. @example <Badge tone="warning">2</Badge> */
export function Badge({
  tone = "neutral",
  children,
  label,
}: {
  readonly tone?: Tone;
  readonly children: ReactNode;
  readonly label?: string;
}) {
  return (
    <span className="sb-badge" data-tone={tone} {...(label ? { "aria-label": label } : {})}>
      {children}
    </span>
  );
}

/** An agent's state, as the avatar's dot and the tiles count it. */
export type AgentState = "available" | "busy" | "wrapping" | "away" | "offline";

/** A person's initials in a circle, with their state as a dot when given. @example <Avatar name="Ada Lovelace" state="available" /> */
export function Avatar({
  name,
  state,
  size = "md",
}: {
  readonly name: string | null;
  readonly state?: AgentState;
  readonly size?: "sm" | "md";
}) {
  return (
    <span className="sb-avatar" data-size={size} aria-hidden="true">
      {initials(name)}
      {state && <span className="sb-avatar-state" data-state={state} />}
    </span>
  );
}

/** What a place with nothing in it says, and what to do about it. @example <EmptyState icon={<Icon name="inbox" />} title="No tasks" /> */
export function EmptyState({
  icon,
  title,
  children,
}: {
  readonly icon?: ReactNode;
  readonly title: string;
  readonly children?: ReactNode;
}) {
  return (
    <div className="sb-empty">
      {icon && <div className="sb-empty-icon">{icon}</div>}
      <p className="sb-empty-title">{title}</p>
      {children && <div className="sb-empty-body">{children}</div>}
    </div>
  );
}

/** Re-renders every second from the same clock, for every timer on the page. */
function useNow(clock: () => number, everyMs = 1000): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const timer = setInterval(() => setNow(clock()), everyMs);
    return () => clearInterval(timer);
  }, [clock, everyMs]);
  return now;
}

/**
 * Time since `since` (epoch ms), ticking; `label` names it for a screen reader (which is not told every tick).
 * `overAfterMs`: past it the timer turns red (an SLA threshold), on the tick that crosses it.
 * @example <Timer since={task.dateCreated} label="Waiting" overAfterMs={queue.slaSeconds * 1000} />
 */
export function Timer({
  since,
  label,
  tone = "neutral",
  overAfterMs = null,
  clock = Date.now,
}: {
  readonly since: number;
  readonly label: string;
  readonly tone?: Tone;
  readonly overAfterMs?: number | null;
  readonly clock?: () => number;
}) {
  const elapsed = useNow(clock) - since;
  const text = formatDuration(elapsed);
  const shown: Tone = overAfterMs !== null && elapsed >= overAfterMs ? "error" : tone;
  return (
    <time className="sb-timer" data-tone={shown} dateTime={new Date(since).toISOString()} aria-label={`${label} ${text}`}>
      {text}
    </time>
  );
}

/**
 * Time left until `until` (epoch ms), ticking down to 0:00; `label` names it for a screen reader.
 * @example <Countdown until={task.wrapupEndsAt} label="Wrap-up ends in" />
 */
export function Countdown({
  until,
  label,
  clock = Date.now,
}: {
  readonly until: number;
  readonly label: string;
  readonly clock?: () => number;
}) {
  const text = formatDuration(until - useNow(clock));
  return (
    <time className="sb-timer" dateTime={new Date(until).toISOString()} aria-label={`${label} ${text}`}>
      {text}
    </time>
  );
}

/** A headline figure with its label, coloured when it crosses its threshold. @example <Tile label="Waiting" value="7" tone="warning" /> */
export function Tile({
  label,
  value,
  tone = "neutral",
  detail,
}: {
  readonly label: string;
  readonly value: ReactNode;
  readonly tone?: Tone;
  readonly detail?: ReactNode;
}) {
  return (
    <div className="sb-tile" data-tone={tone}>
      <span className="sb-tile-label">{label}</span>
      <span className="sb-tile-value">{value}</span>
      {detail && <span className="sb-tile-detail">{detail}</span>}
    </div>
  );
}
