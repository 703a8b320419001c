/**
 * What the design system's components show as text, pure so it is tested without a DOM: a duration as a
 * clock reads it, a person's initials, the tone of a figure against its threshold.
 */

/**
 * Whole seconds as `m:ss`, or `h:mm:ss` from an hour; never negative.
 * @example formatDuration(75_000) // "1:15"
 * @example formatDuration(3_725_000) // "1:02:05"
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * Up to two initials of a name (its first and last words), upper-cased; `?` for no name.
 * @example initials("Ada Lovelace") // "AL"
 * @example initials("ada@example.com") // "A"
 */
export function initials(name: string | null | undefined): string {
  const words = (name ?? "")
    .trim()
    .split(/[\s@._-]+/u)
    .filter(Boolean);
  if (words.length === 0) return "?";
  const first = [...words[0]!][0] ?? "";
  const last = words.length > 1 && !(name ?? "").includes("@") ? ([...words.at(-1)!][0] ?? "") : "";
  return (first + last).toLocaleUpperCase();
}

/** How a figure stands against its threshold. */
export type Tone = "neutral" | "info" | "success" | "warning" | "error";

/**
 * The tone of `value` against a threshold: at or past `error` is an error, past `warning` a warning. Where
 * higher is better (a service level), `higherIsBetter` turns the comparison round.
 * @example toneFor(125, { warning: 60, error: 120 }) // "error"
 * @example toneFor(72, { warning: 85, error: 70, higherIsBetter: true }) // "warning"
 */
export function toneFor(
  value: number | null,
  limits: { readonly warning?: number | null; readonly error?: number | null; readonly higherIsBetter?: boolean },
): Tone {
  if (value === null || Number.isNaN(value)) return "neutral";
  const past = (limit: number | null | undefined) =>
    limit !== null && limit !== undefined && (limits.higherIsBetter ? value < limit : value >= limit);
  if (past(limits.error)) return "error";
  if (past(limits.warning)) return "warning";
  return "neutral";
}
