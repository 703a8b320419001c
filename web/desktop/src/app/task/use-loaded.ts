/**
 * What a dialog loads once as it opens (the transfer targets, the published flows): the value, or the
 * failure's message, and neither until the answer comes. An answer that arrives after the dialog closed,
 * or after `key` changed, is dropped.
 */
import { useEffect, useState } from "react";

export interface Loaded<T> {
  readonly value: T | null;
  readonly error: string | null;
}

/**
 * @example const { value: flows, error } = useLoaded(() => publishedFlows(workspaceSid), workspaceSid);
 */
export function useLoaded<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ value: null, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setLoaded({ value, error: null }),
      (failure: unknown) => live && setLoaded({ value: null, error: failure instanceof Error ? failure.message : String(failure) }),
    );
    return () => {
      live = false;
    };
    // `load` is a new closure each render; what it loads is named by `key`.
  }, [key]);
  return loaded;
}
