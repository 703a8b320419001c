/**
 * The agent's store reading the server's times: when a reservation was accepted comes from the server
 * (hello's `accepted_ms`, a `reservation.accepted` frame's `date_ms`), not from when this tab saw it,
 * and every server time is moved onto this machine's clock by the skew `hello` reveals (its `date_ms`
 * against the local clock when it arrived).
 */
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../web/desktop/src/app/agent/task-store";
import type { ServerFrame } from "../../web/desktop/src/app/agent/realtime-client";
import { hello, reservationFrame, reservationSid } from "./app-fakes";

const LOCAL = Date.UTC(2026, 10, 25, 12, 0, 0);
/** The server's clock is 10 minutes ahead of this machine's. */
const SKEW = 10 * 60_000;

function store(now = LOCAL) {
  const clock = { now };
  return { clock, store: new AgentStore(null, {}, () => clock.now) };
}

const frame = (value: unknown) => value as ServerFrame;

describe("when a task was accepted", () => {
  it("comes from hello's accepted_ms, on this machine's clock", () => {
    const { store: agent } = store();
    const accepted = reservationFrame(1, "accepted", 1);
    // Accepted 2 min 5 s before the server said hello (server time), i.e. at LOCAL − 125 s here.
    const serverNow = LOCAL + SKEW;
    agent.apply(
      frame(
        hello({
          date_ms: serverNow,
          reservations: [
            { reservation: accepted.reservation, task: accepted.task, date_ms: serverNow - 200_000, accepted_ms: serverNow - 125_000 },
          ],
        }),
      ),
      0,
    );
    expect(agent.snapshot.tasks).toMatchObject([{ reservationSid: reservationSid(1), state: "accepted", acceptedAt: LOCAL - 125_000 }]);
  });

  it("comes from the accept frame's own time when the agent accepts live, and stays through wrap-up", () => {
    const { store: agent, clock } = store();
    agent.apply(frame(hello({ date_ms: LOCAL + SKEW })), 0);
    const ringing = reservationFrame(1, "pending", 1);
    agent.apply(
      frame({ ...ringing, date_ms: LOCAL + SKEW, reservation: { ...ringing.reservation, timeout_at: LOCAL + SKEW + 30_000 } }),
      0,
    );
    // The countdown runs on this clock too: 30 s from the server's now is 30 s from ours.
    expect(agent.snapshot.tasks[0]).toMatchObject({ state: "pending", timeoutAt: LOCAL + 30_000, acceptedAt: null });
    clock.now = LOCAL + 4_000; // the frame arrives a second after the server recorded the accept
    agent.apply(frame({ ...reservationFrame(1, "accepted", 2), date_ms: LOCAL + SKEW + 3_000 }), 0);
    expect(agent.snapshot.tasks[0]).toMatchObject({ state: "accepted", acceptedAt: LOCAL + 3_000 });
    agent.apply(frame({ ...reservationFrame(1, "wrapping", 3), date_ms: LOCAL + SKEW + 60_000 }), 0);
    expect(agent.snapshot.tasks[0]).toMatchObject({ state: "wrapping", acceptedAt: LOCAL + 3_000 });
  });

  it("takes the server's times as they are when hello gives no clock (an older server)", () => {
    const { store: agent } = store();
    agent.apply(frame(hello()), 0);
    agent.apply(frame({ ...reservationFrame(1, "accepted", 1), date_ms: LOCAL - 5_000 }), 0);
    expect(agent.snapshot.tasks[0]).toMatchObject({ acceptedAt: LOCAL - 5_000 });
  });
});
