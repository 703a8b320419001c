/**
 * A test's hand on one Durable Object's RPC methods: every stub `namespace.getByName` answers for a name
 * `named` picks is seen through `intercept`, which returns the method the code under test gets — the real
 * one, or one that counts, waits or fails (a directory that is unreachable, an upsert held back). The code
 * under test is unchanged: platform/objects.ts addresses every object through `getByName`.
 */

type GetByName = (this: object, name: string, options?: unknown) => unknown;

/**
 * Intercepts the RPC methods of the stubs for the names `named` picks, until the returned function restores
 * the namespace's own `getByName`.
 * @example
 * const restore = interceptStubs(env.DIRECTORY, (name) => name === ws, (method, real) =>
 *   method === "resolveInbound" ? () => Promise.reject(new Error("Network connection lost.")) : real);
 */
export function interceptStubs(
  namespace: object,
  named: (name: string) => boolean,
  intercept: (method: string, real: unknown) => unknown,
): () => void {
  const proto = Object.getPrototypeOf(namespace) as { getByName: GetByName };
  const realGetByName = proto.getByName;
  proto.getByName = function (this: object, name: string, options?: unknown) {
    const stub = realGetByName.call(this, name, options) as object;
    if (!named(name)) return stub;
    return new Proxy(stub, {
      get: (target, prop) => {
        const real = Reflect.get(target, prop) as unknown;
        return typeof prop === "string" ? intercept(prop, real) : real;
      },
    });
  };
  return () => {
    proto.getByName = realGetByName;
  };
}

/**
 * An intercept for {@link interceptStubs} that records each call to `methods`, in order, and while `down`
 * holds makes each of them fail as an object that cannot be reached does.
 * @example
 * const directory = new WatchedCalls(new Set(["resolveInbound", "findOpen"]));
 * const restore = interceptStubs(env.DIRECTORY, (name) => name === ws, directory.intercept);
 * directory.down = true; // every resolveInbound and findOpen now rejects
 */
export class WatchedCalls {
  readonly calls: string[] = [];
  down = false;

  constructor(private readonly methods: ReadonlySet<string>) {}

  readonly intercept = (method: string, real: unknown): unknown => {
    if (!this.methods.has(method)) return real;
    this.calls.push(method);
    return this.down ? () => Promise.reject(new Error("Network connection lost.")) : real;
  };
}
