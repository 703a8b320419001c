/**
 * Who the customer of a task is, from its attributes: the one rule the desktop's task header and customer
 * card (web/desktop/src/app/task/customer-data.ts) and the supervisors' feed (the Router's
 * `supervisorReservation.customer`) share, so an agent and their supervisor never name the same customer
 * differently. Pure, no zod: the browser bundles it.
 */

/** A web chat visitor's ID, their address on the channel: an internal key, never shown to staff. */
const VISITOR_ID = /^WV[0-9a-f]{32}$/i;

/** The value at a dotted path (`customers.name`, `history.0.channel`), or undefined; own keys only. */
export function valueAt(attributes: unknown, path: string): unknown {
  let current: unknown = attributes;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A string, number or boolean as text; "" for anything else. */
export const scalarText = (value: unknown): string =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";

/**
 * Who the customer is, for a header: their name (`customers.name`, `customerName`, `name`), else their
 * email or phone (`from`, `customers.email`, `customers.phone`), and one more way to reach them (either may
 * be null). A web visitor's ID (`WV…`) is never either.
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
 * A task's or worker's attributes as the Router stores them (JSON text) as an object: {} when the text is
 * not a JSON object.
 * @example customerOf(attributesOf('{"customers":{"name":"Ann Lee"}}')).name // "Ann Lee"
 */
export function attributesOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
