/**
 * Pure helpers for the customer panel: the task's attributes as a readable key/value list, the customer's
 * name and address as the header shows them, and the CRM screen-pop URL filled from a workspace's
 * template. Kept free of React so the rules (what is shown, what URL is allowed) are table-tested.
 */

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

/** The value at a dotted path (`customers.name`, `history.0.channel`), or undefined. */
export function valueAt(attributes: unknown, path: string): unknown {
  let current: unknown = attributes;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const scalarText = (value: unknown): string =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const parse = (text: string): URL | null => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};

/**
 * Fills `{{task.<path>}}` placeholders with the task's attributes, URL-encoded (unknown paths, objects and
 * any other placeholder become empty), and returns the URL only when it is an absolute http(s) URL —
 * never `javascript:`, `data:` or a relative path. Attributes come partly from customers, so a
 * placeholder may fill the path, query or fragment but never pick the host: the filled URL must keep the
 * origin the template has without its placeholders. And because the frame may run scripts with its own
 * origin, a CRM on the desktop's own origin (`selfOrigin`) is refused: it could lift its sandbox.
 * Null when there is no usable URL.
 *
 * @example
 * crmUrl("https://crm.example/customers?phone={{task.from}}", { from: "+1 555" });
 * // "https://crm.example/customers?phone=%2B1%20555"
 */
export function crmUrl(
  template: string | null | undefined,
  attributes: Readonly<Record<string, unknown>>,
  selfOrigin: string | null = null,
): string | null {
  if (!template) return null;
  const filled = parse(
    template.replace(PLACEHOLDER, (_match, expression: string) =>
      expression.startsWith("task.") ? encodeURIComponent(scalarText(valueAt(attributes, expression.slice(5)))) : "",
    ),
  );
  const fixed = parse(template.replace(PLACEHOLDER, ""));
  if (!filled || !fixed || filled.origin !== fixed.origin) return null;
  if (filled.protocol !== "https:" && filled.protocol !== "http:") return null;
  return filled.origin === selfOrigin ? null : filled.href;
}

/** A web chat visitor's ID, their address on the channel: an internal key, never shown to an agent. */
const VISITOR_ID = /^WV[0-9a-f]{32}$/i;

/**
 * Who the customer is, for the header: their name, else their email or phone, and one more way to reach
 * them (either may be null). A web visitor's ID (`WV…`) is never either.
 * @example customerOf({ from: "WV…", customers: { email: "ann@example.com" } }) // { name: "ann@example.com", address: null }
 */
export function customerOf(attributes: Readonly<Record<string, unknown>>): { name: string | null; address: string | null } {
  const text = (path: string): string | null => {
    const value = scalarText(valueAt(attributes, path)).trim();
    return value === "" || VISITOR_ID.test(value) ? null : value;
  };
  const contacts = [text("from"), text("customers.email"), text("customers.phone")].filter((c): c is string => c !== null);
  const name = text("customers.name") ?? text("customerName") ?? text("name") ?? contacts[0] ?? null;
  return { name, address: contacts.find((contact) => contact !== name) ?? null };
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
