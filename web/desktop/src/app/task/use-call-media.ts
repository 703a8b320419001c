/**
 * A React hook onto one call's media for as long as the component wants it joined: it makes the media
 * (call-media.ts) once, joins when `join` turns on (asking the token with `token()`), leaves when it turns
 * off or the component goes, and re-renders on every change of the media's state.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { MediaToken } from "../../../../../contract/calls";
import { createCallMedia, type CallMedia, type CallMediaState, type JoinOptions } from "./call-media";

export interface CallMediaRequest {
  /** Whether to be in the room now. */
  readonly join: boolean;
  /** A new value joins again (the agent's "Join again"; a supervisor's new mode). */
  readonly attempt: string;
  readonly token: () => Promise<MediaToken>;
  readonly options: JoinOptions;
}

/** @example const { media, state } = useCallMedia({ join: live, attempt: "1", token: () => mediaToken(session, sid), options }); */
export function useCallMedia(request: CallMediaRequest): { media: CallMedia; state: CallMediaState } {
  const [media] = useState(() => createCallMedia());
  const latest = useRef(request);
  latest.current = request;
  const { join, attempt } = request;

  useEffect(() => {
    if (!join) return;
    let live = true;
    const { token, options } = latest.current;
    token().then(
      (minted) => (live ? media.join(minted, options) : undefined),
      (error: unknown) => live && media.fail(error),
    );
    return () => {
      live = false;
      void media.leave();
    };
  }, [media, join, attempt]);

  const state = useSyncExternalStore(media.subscribe, media.getState);
  return { media, state };
}
