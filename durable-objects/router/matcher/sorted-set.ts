/**
 * An ordered set of workers or tasks with O(log n) insert, delete and in-order walk, used for the
 * matcher's ready lists and pending-task lists. It wraps `sorted-btree` (a B+ tree), remembering each
 * member's current key so callers can move a member without knowing where it sat before.
 */
import * as btreeModule from "sorted-btree";
import type BTreeClass from "sorted-btree";

type BTreeConstructor = typeof BTreeClass;
// sorted-btree is CommonJS: Node's ESM loader hands back the module object, bundlers the class itself.
const BTree: BTreeConstructor =
  (btreeModule as unknown as { default: { default?: BTreeConstructor } }).default.default ??
  (btreeModule as unknown as { default: BTreeConstructor }).default;

export class SortedSet<K> {
  private readonly tree: BTreeClass<K, string>;
  private readonly keys = new Map<string, K>();

  constructor(compare: (a: K, b: K) => number) {
    this.tree = new BTree<K, string>(undefined, compare);
  }

  get size(): number {
    return this.keys.size;
  }

  has(id: string): boolean {
    return this.keys.has(id);
  }

  /** Inserts `id` under `key`, moving it if it was already present under another key. */
  put(id: string, key: K): void {
    const old = this.keys.get(id);
    if (old !== undefined) this.tree.delete(old);
    this.keys.set(id, key);
    this.tree.set(key, id);
  }

  delete(id: string): void {
    const old = this.keys.get(id);
    if (old === undefined) return;
    this.tree.delete(old);
    this.keys.delete(id);
  }

  /** Members in key order; stop early by breaking out of the loop. */
  *ids(): IterableIterator<string> {
    for (const [, id] of this.tree.entries()) yield id;
  }

  keyOf(id: string): K | undefined {
    return this.keys.get(id);
  }
}
