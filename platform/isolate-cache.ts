/**
 * Values an isolate keeps between requests to spare a Durable Object call or a WebCrypto import on a hot
 * path: each for at most `ttlMs` after it was stored (the bound its callers document as how stale a copy
 * can be; `Infinity` keeps a value until it is pushed out, for callers that check age themselves), and
 * at most `max` of them, the least recently read dropped first. Per isolate: nothing is shared between
 * edges. Pure: no `cloudflare:*`.
 */
export class IsolateCache<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly storedAt: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly max = 1_000,
  ) {}

  /**
   * The value stored under `key` less than `ttlMs` before `now`, else undefined (and an older one is forgotten).
   * @example const regions = cache.get(`${accountSid}/${workspaceSid}`, Date.now())
   */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (now - entry.storedAt >= this.ttlMs) return undefined;
    this.entries.set(key, entry); // re-inserted last: the Map's order is the order of use
    return entry.value;
  }

  /** Stores `value` under `key` as read at `now`. @example cache.set(key, regions, Date.now()) */
  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: now });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets `key` (it changed through this isolate). @example cache.delete(key) */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
