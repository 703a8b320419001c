/**
 * Inverted indexes over worker attributes, so the matcher can answer "which workers have
 * `skills HAS 'billing'`" or "`team == 'north'`" without looking at every worker.
 *
 * A path is indexed the first time a plan asks for it (built once over all workers) and kept current
 * from then on. Scalars go in the equality index, elements of arrays in the `HAS` index, each keyed by
 * type and value so that `'5'` and `5` never meet — exactly as the expression language compares them.
 */
import { resolvePath, type Json, type WorkerView } from "../expression";

type Segments = readonly (string | number)[];
type Postings = Map<string, Set<string>>;

interface IndexedPath {
  readonly segments: Segments;
  readonly equal: Postings;
  readonly has: Postings;
}

const EMPTY: ReadonlySet<string> = new Set();

/** The index key of a scalar, or undefined for null, objects and arrays (which no index holds). */
export function scalarKey(value: Json | undefined): string | undefined {
  switch (typeof value) {
    case "string":
      return "s" + value;
    case "number":
      return "n" + String(value);
    case "boolean":
      return value ? "b1" : "b0";
    default:
      return undefined;
  }
}

export function pathKey(segments: Segments): string {
  return JSON.stringify(segments);
}

function read(view: WorkerView, segments: Segments): Json | undefined {
  return resolvePath({ source: "worker.attributes", segments }, { worker: view });
}

function post(postings: Postings, key: string, sid: string): void {
  let sids = postings.get(key);
  if (!sids) postings.set(key, (sids = new Set()));
  sids.add(sid);
}

function unpost(postings: Postings, key: string, sid: string): void {
  const sids = postings.get(key);
  if (!sids) return;
  sids.delete(sid);
  if (sids.size === 0) postings.delete(key);
}

export class AttributeIndex {
  private readonly paths = new Map<string, IndexedPath>();

  constructor(private readonly allWorkers: () => Iterable<WorkerView>) {}

  /** Adds a worker's values on every indexed path. */
  add(view: WorkerView): void {
    for (const path of this.paths.values()) this.apply(path, view, post);
  }

  /** Removes a worker's values; call with the view as it was when added. */
  remove(view: WorkerView): void {
    for (const path of this.paths.values()) this.apply(path, view, unpost);
  }

  /** Workers whose value at `segments` is the scalar `value`. */
  equal(segments: Segments, value: Json | undefined): ReadonlySet<string> {
    const key = scalarKey(value);
    return key === undefined ? EMPTY : (this.ensure(segments).equal.get(key) ?? EMPTY);
  }

  /** Workers whose value at `segments` is an array holding the scalar `value`. */
  has(segments: Segments, value: Json | undefined): ReadonlySet<string> {
    const key = scalarKey(value);
    return key === undefined ? EMPTY : (this.ensure(segments).has.get(key) ?? EMPTY);
  }

  get indexedPathCount(): number {
    return this.paths.size;
  }

  private ensure(segments: Segments): IndexedPath {
    const key = pathKey(segments);
    let path = this.paths.get(key);
    if (!path) {
      path = { segments, equal: new Map(), has: new Map() };
      this.paths.set(key, path);
      for (const view of this.allWorkers()) this.apply(path, view, post);
    }
    return path;
  }

  private apply(path: IndexedPath, view: WorkerView, op: typeof post): void {
    const value = read(view, path.segments);
    if (Array.isArray(value)) {
      for (const element of value) {
        const key = scalarKey(element);
        if (key !== undefined) op(path.has, key, view.sid);
      }
      return;
    }
    const key = scalarKey(value);
    if (key !== undefined) op(path.equal, key, view.sid);
  }
}
