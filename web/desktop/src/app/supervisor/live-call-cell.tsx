/**
 * The Call cell of a Live row (issue 15): the conversation's call state — waiting, connected, on hold —
 * and its ticking time (live.ts's liveCallLine), from the call's record read over REST (`GET …/call`)
 * and read again every few seconds while the row is shown. Not over the conversation's socket: a
 * supervisor's socket is what the server records as watching (`supervisor.monitor`), and listing is not
 * watching. A row whose call cannot be read (ended, refused) shows a dash.
 */
import { useEffect, useRef, useState } from "react";
import type { CallRecord } from "../../../../../contract/calls";
import { useStrings } from "../desktop-context";
import { latestCall } from "../task/call-api";
import type { DesktopSession } from "../types";
import { Badge, Timer } from "../ui";
import { liveCallLine } from "./live";

/** How often a listed call is read again (ms): a hold or a connection shows within this. */
export const LIVE_CALL_POLL_MS = 5_000;

export interface LiveCallCellProps {
  readonly conversationSid: string;
  readonly session: DesktopSession;
}

const TONES = { waiting: "warning", connected: "success", held: "warning" } as const;

/** @example <LiveCallCell conversationSid="CH…" session={session} /> */
export function LiveCallCell({ conversationSid, session }: LiveCallCellProps) {
  const t = useStrings();
  const [call, setCall] = useState<CallRecord | null>(null);
  // The reading goes on as long as the row is shown; a new session object must not restart it.
  const latestSession = useRef(session);
  latestSession.current = session;

  useEffect(() => {
    let live = true;
    const read = () =>
      latestCall(latestSession.current, conversationSid).then(
        (record) => live && setCall(record),
        // Refused or gone (the call's conversation closed): nothing to show, as for no call.
        () => live && setCall(null),
      );
    void read();
    const timer = setInterval(() => void read(), LIVE_CALL_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [conversationSid]);

  const line = liveCallLine(call);
  if (line === null) return <span aria-hidden="true">—</span>;
  return (
    <span className="sb-sv-call">
      <Badge tone={TONES[line.state]}>{t(`supervisor.live.call.${line.state}`)}</Badge>{" "}
      {line.since !== null && <Timer since={line.since} label={t("supervisor.live.call.time")} />}
    </span>
  );
}
