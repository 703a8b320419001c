/**
 * Pure helpers for the customer panel: the task's attributes as a readable key/value list, the customer's
 * name and address as the header shows them, what a web visitor only said about themselves (shown as
 * unverified), and the CRM screen-pop URL filled from a workspace's template. Kept free of React so the rules (what is shown, what URL is allowed) are table-tested.
 */
import { customerOf, scalarText, valueAt } from "../../../../../contract/customer-name";

/** The customer's name rule is the contract's: the supervisors' feed names customers by it too. */
export { customerOf, valueAt };

export interface AttributeRow {
  /** Dotted path: `customers.name`, `history.0.channel`. */
  readonly key: string;
  /** The value as text; "" for null, an empty object or an empty array. */
  readonly value: string;
}

const MAX_DEPTH = 8;

/**
 * Flattens nested attributes into rows, depth-first in key order as stored.
 *
 * @example
 * flattenAttributes({ from: "+1555", customers: { name: "Ann" } });
 * // [{ key: "from", value: "+1555" }, { key: "customers.name", value: "Ann" }]
 */
export function flattenAttributes(attributes: Readonly<Record<string, unknown>>): AttributeRow[] {
  const rows: AttributeRow[] = [];
  const walk = (value: unknown, key: string, depth: number): void => {
    if (value !== null && typeof value === "object" && depth < MAX_DEPTH) {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      if (entries.length === 0 && key !== "") rows.push({ key, value: "" });
      for (const [child, v] of entries) walk(v, key ? `${key}.${child}` : child, depth + 1);
      return;
    }
    rows.push({ key, value: textOf(value) });
  };
  walk(attributes, "", 0);
  return rows;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value) ?? "";
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const parse = (text: string): URL | null => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};

/** What stands for the i-th placeholder while the template is parsed: letters only, so no parser changes it. */
const MARKER_PREFIX = "sbcrmfill";
const marker = (i: number): string => `${MARKER_PREFIX}${i}x`;
const MARKER = new RegExp(`${MARKER_PREFIX}(\\d+)x`, "g");
/** A path segment every URL parser treats as a step (`..`, `%2e%2E`) or as nothing (`.`): it would move the path. */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

/**
 * Fills `{{task.<path>}}` placeholders with the task's attributes, each value URL-encoded as one piece
 * (unknown paths, objects and any other placeholder become empty), and returns the URL only when it is
 * an absolute http(s) URL — never `javascript:`, `data:` or a relative path. Attributes come partly from
 * customers, so a placeholder may fill the path, query or fragment but never the scheme, host, port or
 * credentials: the template is parsed with the placeholders still unfilled, and the values go into its
 * path, query and fragment only. In the path a value is one segment at most (`/` is encoded), and a
 * segment that would be `.` or `..` — which no encoding keeps from moving the path — refuses the URL. And
 * because the frame may run scripts with its own origin, a CRM on the desktop's own origin (`selfOrigin`)
 * is refused: it could lift its sandbox. Null when there is no usable URL.
 *
 * @example
 * crmUrl("https://crm.example/customers?phone={{task.from}}", { from: "+1 555" });
 * // "https://crm.example/customers?phone=%2B1%20555"
 * crmUrl("https://crm.example/customers/{{task.id}}", { id: ".." }); // null
 */
export function crmUrl(
  template: string | null | undefined,
  attributes: Readonly<Record<string, unknown>>,
  selfOrigin: string | null = null,
): string | null {
  if (!template) return null;
  const values: string[] = [];
  const marked = parse(
    template.replace(PLACEHOLDER, (_match, expression: string) => {
      values.push(expression.startsWith("task.") ? encodeURIComponent(scalarText(valueAt(attributes, expression.slice(5)))) : "");
      return marker(values.length - 1);
    }),
  );
  if (!marked || (marked.protocol !== "https:" && marked.protocol !== "http:")) return null;
  const { origin, username, password, pathname, search, hash } = marked;
  if ([origin, username, password].some((part) => part.includes(MARKER_PREFIX))) return null;
  const fill = (text: string): string => text.replace(MARKER, (_match, i: string) => values[Number(i)] ?? "");
  const segments = pathname.split("/").map((segment) => {
    const filled = fill(segment);
    return filled !== segment && DOT_SEGMENT.test(filled) ? null : filled;
  });
  if (segments.includes(null)) return null;
  const credentials = username || password ? `${username}${password ? `:${password}` : ""}@` : "";
  const href = `${marked.protocol}//${credentials}${marked.host}${segments.join("/")}${fill(search)}${fill(hash)}`;
  const filled = parse(href);
  if (!filled || filled.origin !== origin || filled.origin === selfOrigin) return null;
  return filled.href;
}

/**
 * What the desktop calls the customer of a task: {@link customerOf}'s name, else `anonymous` for a web
 * visitor who gave no details, else the task SID.
 * @example customerLabel(task, t("customer.webVisitor")) // "Ann Lee", "Website visitor" or "WT…"
 */
export function customerLabel(
  task: { readonly taskSid: string; readonly attributes: Readonly<Record<string, unknown>> },
  anonymous: string,
): string {
  return customerOf(task.attributes).name ?? (task.attributes.channelType === "web" ? anonymous : task.taskSid);
}

/** What a web visitor typed about themselves in the pre-chat form: nobody checked it. */
export interface UnverifiedDetails {
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
}

/**
 * The task's `customers.unverified` (the pre-chat form's details, which the server keeps apart from
 * the profile's), or null when it says nothing.
 * @example unverifiedOf({ customers: { unverified: { email: "grace@example.com" } } }) // { name: null, email: "grace@example.com", phone: null }
 */
export function unverifiedOf(attributes: Readonly<Record<string, unknown>>): UnverifiedDetails | null {
  const said = valueAt(attributes, "customers.unverified");
  if (said === null || typeof said !== "object" || Array.isArray(said)) return null;
  const field = (name: string): string | null => {
    const value = valueAt(said, name);
    return typeof value === "string" && value.trim() !== "" ? value : null;
  };
  const details = { name: field("name"), email: field("email"), phone: field("phone") };
  return details.name === null && details.email === null && details.phone === null ? null : details;
}

/**
 * Whether the customer's name as shown is only the visitor's word: they said something in the pre-chat
 * form and their profile knows nothing of them (no name, email or phone) — a customer the team's site
 * identified, or the profile knows, is not marked.
 * @example isUnverified({ name: "Grace", customers: { name: null, unverified: { name: "Grace" } } }) // true
 */
export function isUnverified(attributes: Readonly<Record<string, unknown>>): boolean {
  const known = ["customers.name", "customers.email", "customers.phone"].some(
    (path) => scalarText(valueAt(attributes, path)).trim() !== "",
  );
  return !known && unverifiedOf(attributes) !== null;
}
