/**
 * The rule every live connection opened for a user is held to, when it refreshes, (re)connects, or the
 * user changes while it is open: removed, disabled, signed out, unlinked from the worker, demoted.
 */
import { describe, expect, it } from "vitest";
import { accessChanged, accessRefusal, type TokenBinding, type UserAccess } from "../../../durable-objects/common/user-access";

const WS = "WS" + "1".repeat(32);
const OTHER_WS = "WS" + "9".repeat(32);
const WK = "WK" + "2".repeat(32);
const SE = "SE" + "3".repeat(32);
const US = "US" + "4".repeat(32);

const agentToken: TokenBinding = { userSid: US, sessionSid: SE, workspaceSid: WS, role: "worker", workerSid: WK };
const feedToken: TokenBinding = { userSid: US, sessionSid: SE, workspaceSid: WS, role: "supervisor" };
const leadAgentView: TokenBinding = { ...feedToken, workerSid: WK };
const agent: UserAccess = { role: "agent", workspaceSid: WS, workerSid: WK, disabled: false, sessions: [SE] };
const supervisor: UserAccess = { ...agent, role: "supervisor", workerSid: null };
const admin: UserAccess = { ...agent, role: "admin", workspaceSid: null, workerSid: null };

describe("accessRefusal", () => {
  it.each([
    ["an agent on their own channel", agent, agentToken],
    ["an agent promoted to supervisor, still linked to the worker", { ...agent, role: "supervisor" as const }, agentToken],
    ["a supervisor on their workspace's feed", supervisor, feedToken],
    ["a supervisor linked to the worker, in the agent view", { ...supervisor, workerSid: WK }, leadAgentView],
    ["an admin on any workspace's feed", admin, { ...feedToken, workspaceSid: OTHER_WS }],
  ])("lets %s stay", (_, user, binding) => {
    expect(accessRefusal(user, binding)).toBeNull();
  });

  it.each([
    ["a deleted user", null, agentToken, 4401, "This user was removed: sign in again"],
    ["a disabled user", { ...agent, disabled: true }, agentToken, 4401, "This user was disabled: ask an admin"],
    [
      "a session that ended",
      { ...agent, sessions: ["SE" + "5".repeat(32)] },
      agentToken,
      4401,
      "The sign-in this token came from has ended: sign in again",
    ],
    [
      "an agent unlinked from the worker",
      { ...agent, workerSid: "WK" + "6".repeat(32) },
      agentToken,
      4403,
      `This user is no longer linked to worker ${WK}`,
    ],
    [
      "an agent moved to another workspace",
      { ...agent, workspaceSid: OTHER_WS },
      agentToken,
      4403,
      `This user is no longer linked to worker ${WK}`,
    ],
    ["a supervisor demoted to agent, on the feed", { ...agent }, feedToken, 4403, "This user is no longer a supervisor"],
    ["a supervisor demoted to agent, in the agent view", { ...agent }, leadAgentView, 4403, "This user is no longer a supervisor"],
    [
      "a supervisor moved to another workspace",
      { ...supervisor, workspaceSid: OTHER_WS },
      feedToken,
      4403,
      `This user no longer supervises workspace ${WS}`,
    ],
    [
      "an admin token of a user no longer admin",
      supervisor,
      { ...feedToken, role: "admin" as const },
      4403,
      "This user is no longer an admin",
    ],
  ])("refuses %s", (_, user, binding, code, reason) => {
    expect(accessRefusal(user, binding)).toEqual({ code, reason });
  });
});

describe("accessChanged", () => {
  it.each([
    ["a new name only (nothing the rule reads)", agent, { ...agent }, false],
    ["new sessions only (compared apart, by what ended)", agent, { ...agent, sessions: [] }, false],
    ["a new role", agent, { ...agent, role: "supervisor" as const }, true],
    ["a new worker", agent, { ...agent, workerSid: "WK" + "6".repeat(32) }, true],
    ["a new workspace", supervisor, { ...supervisor, workspaceSid: OTHER_WS }, true],
    ["disabled", agent, { ...agent, disabled: true }, true],
    ["deleted", agent, null, true],
  ])("%s → %s", (_, before, after, changed) => {
    expect(accessChanged(before, after)).toBe(changed);
  });
});
