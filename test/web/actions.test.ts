/**
 * The Actions framework as a plugin author relies on it: order of listeners, payload changes, cancel,
 * replacement, after-listeners seeing results and errors, and the failure paths.
 */
import { describe, expect, it, vi } from "vitest";
import { createActions, UnknownActionError, type ActionStateEvent, type TaskRef } from "../../web/desktop/src/framework/actions";

const task: TaskRef = { sid: "WT" + "1".repeat(32), attributes: { from: "+15550100" } };
const accept = { reservationSid: "WR" + "2".repeat(32), task };

/** An Actions with AcceptTask registered; `calls` records what the implementation received. */
const setup = () => {
  const actions = createActions();
  const calls: unknown[] = [];
  actions.registerAction("AcceptTask", (payload) => {
    calls.push(structuredClone(payload));
    return { accepted: payload.reservationSid };
  });
  const states: ActionStateEvent["phase"][] = [];
  actions.onStateChange((e) => states.push(e.phase));
  return { actions, calls, states };
};

describe("invokeAction", () => {
  it("runs before-listeners in order, then the implementation, then after-listeners, and resolves with the result", async () => {
    const { actions, calls, states } = setup();
    const order: string[] = [];
    actions.addListener("beforeAcceptTask", () => void order.push("before 1"));
    actions.addListener("beforeAcceptTask", async () => void order.push("before 2"));
    actions.addListener("afterAcceptTask", (_p, outcome) => void order.push(`after ${JSON.stringify(outcome)}`));
    await expect(actions.invokeAction("AcceptTask", accept)).resolves.toEqual({ accepted: accept.reservationSid });
    expect(order).toEqual(["before 1", "before 2", `after {"result":{"accepted":"${accept.reservationSid}"}}`]);
    expect(calls).toHaveLength(1);
    expect(states).toEqual(["started", "completed"]);
  });

  it("lets a before-listener change the payload the implementation receives, without touching the caller's object", async () => {
    const { actions, calls } = setup();
    actions.addListener("beforeAcceptTask", (payload) => {
      payload.note = "VIP";
    });
    const mine = { ...accept };
    await actions.invokeAction("AcceptTask", mine);
    expect(calls).toEqual([{ ...accept, note: "VIP" }]);
    expect(mine).not.toHaveProperty("note");
  });

  it("cancel stops the rest: no later before-listener, no implementation, no after-listener; resolves undefined", async () => {
    const { actions, calls, states } = setup();
    const later = vi.fn();
    const after = vi.fn();
    const reasons: unknown[] = [];
    actions.onStateChange((e) => e.phase === "canceled" && reasons.push(e.reason));
    actions.addListener("beforeAcceptTask", (_p, cancel) => cancel("blocked customer"));
    actions.addListener("beforeAcceptTask", later);
    actions.addListener("afterAcceptTask", after);
    await expect(actions.invokeAction("AcceptTask", accept)).resolves.toBeUndefined();
    expect([calls.length, later.mock.calls.length, after.mock.calls.length]).toEqual([0, 0, 0]);
    expect(states).toEqual(["started", "canceled"]);
    expect(reasons).toEqual(["blocked customer"]);
  });

  it("the last replacement runs and can call the original with a changed payload", async () => {
    const { actions, calls } = setup();
    const seen: string[] = [];
    actions.replaceAction("AcceptTask", (payload, original) => {
      seen.push("first replacement");
      return original({ ...payload, note: "from first" });
    });
    actions.replaceAction("AcceptTask", async (payload, original) => {
      seen.push("second replacement");
      const result = await original(payload);
      return { wrapped: result };
    });
    await expect(actions.invokeAction("AcceptTask", accept)).resolves.toEqual({ wrapped: { accepted: accept.reservationSid } });
    expect(seen).toEqual(["second replacement", "first replacement"]);
    expect(calls).toEqual([{ ...accept, note: "from first" }]);
  });

  it("a replacement may skip the original entirely, also via addListener('replace…')", async () => {
    const { actions, calls } = setup();
    actions.addListener("replaceAcceptTask", () => "handled by plugin");
    await expect(actions.invokeAction("AcceptTask", accept)).resolves.toBe("handled by plugin");
    expect(calls).toEqual([]);
  });

  it("after-listeners see the implementation's error, then the invoke rejects with it", async () => {
    const actions = createActions();
    const failure = new Error("reservation already accepted");
    actions.registerAction("AcceptTask", () => {
      throw failure;
    });
    const outcomes: unknown[] = [];
    actions.addListener("afterAcceptTask", (_p, outcome) => void outcomes.push(outcome));
    await expect(actions.invokeAction("AcceptTask", accept)).rejects.toBe(failure);
    expect(outcomes).toEqual([{ error: failure }]);
  });

  it.each([
    ["before", "the implementation does not run"],
    ["after", "the implementation already ran"],
  ] as const)("a throwing %s-listener rejects the invoke with the listener's error (%s)", async (kind, _why) => {
    const { actions, calls, states } = setup();
    const failure = new Error(`${kind} listener broke`);
    actions.addListener(`${kind}AcceptTask` as "beforeAcceptTask", () => {
      throw failure;
    });
    await expect(actions.invokeAction("AcceptTask", accept)).rejects.toBe(failure);
    expect(calls).toHaveLength(kind === "before" ? 0 : 1);
    expect(states).toEqual(["started", "failed"]);
  });

  it("removed listeners and replacements no longer run (removeListener and the returned remover)", async () => {
    const { actions, calls } = setup();
    const before = vi.fn();
    actions.addListener("beforeAcceptTask", before);
    actions.removeListener("beforeAcceptTask", before);
    const undo = actions.replaceAction("AcceptTask", () => "replaced");
    undo();
    const stop = actions.addListener("afterAcceptTask", before);
    stop();
    await expect(actions.invokeAction("AcceptTask", accept)).resolves.toEqual({ accepted: accept.reservationSid });
    expect(before).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);
  });

  it("a listener added while an action runs takes effect from the next invocation", async () => {
    const { actions } = setup();
    const late = vi.fn();
    actions.addListener("beforeAcceptTask", () => void actions.addListener("beforeAcceptTask", late));
    await actions.invokeAction("AcceptTask", accept);
    expect(late).toHaveBeenCalledTimes(0);
    await actions.invokeAction("AcceptTask", accept);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it("custom actions work like built-ins", async () => {
    const actions = createActions();
    actions.registerAction("OpenCrmRecord", (payload) => `opened ${String(payload.id)}`);
    actions.addListener("beforeOpenCrmRecord", (payload) => {
      payload.id = "C-2";
    });
    expect(actions.isRegistered("OpenCrmRecord")).toBe(true);
    await expect(actions.invokeAction("OpenCrmRecord", { id: "C-1" })).resolves.toBe("opened C-2");
  });

  it("invoking an action nobody registered rejects with UnknownActionError naming it", async () => {
    const actions = createActions();
    const error = await actions.invokeAction("NoSuchAction", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownActionError);
    expect((error as Error).message).toContain('"NoSuchAction"');
  });

  it("unregistering stops the action; re-registering replaces the implementation", async () => {
    const actions = createActions();
    const off = actions.registerAction("SetActivity", () => "v1");
    actions.registerAction("SetActivity", () => "v2");
    await expect(actions.invokeAction("SetActivity", { activitySid: "WA1" })).resolves.toBe("v2");
    off(); // v1's remover does not remove v2
    expect(actions.isRegistered("SetActivity")).toBe(true);
  });

  it.each([
    ["an event without before/after/replace", () => createActions().addListener("onAcceptTask" as "beforeAcceptTask", () => {})],
    ["a non-function listener", () => createActions().addListener("beforeAcceptTask", "nope" as never)],
    ["a non-function implementation", () => createActions().registerAction("AcceptTask", 42 as never)],
  ])("rejects %s with a TypeError", (_name, call) => {
    expect(call).toThrow(TypeError);
  });
});
