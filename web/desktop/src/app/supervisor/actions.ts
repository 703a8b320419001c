/**
 * The supervisor's actions, registered on the desktop's Actions so plugins can listen to, change or
 * cancel them like any other (`beforeUpdateWorkerSkills` …): changing an agent's skills (their
 * attributes' `skills` array; everything else in the attributes is kept), a channel's capacity, and —
 * for admins — the region the agent works in (`MoveWorker`). All are same-origin REST calls with the
 * session cookie to the TaskRouter worker endpoints, which accept a supervisor's or admin's session for
 * exactly these updates (the region an admin's only). And in a live chat the supervisor watches,
 * `BargeIn` / `BargeOut` (join the conversation as a participant the customer sees, or go back to
 * watching) over its socket in the desktop's shared registry (task/actions.ts; whispers are `SendMessage`
 * with `note: true`, which the task actions already own).
 */
import type { Desktop } from "../../framework";
import { api } from "../api";
import { conversationSockets } from "../task/actions";
import { parseAttributes } from "./format";

export interface UpdateWorkerSkillsPayload {
  workerSid: string;
  /** The worker's attributes as the feed last showed them (JSON text). */
  attributes: string;
  skills: readonly string[];
  [extra: string]: unknown;
}

export interface SetWorkerCapacityPayload {
  workerSid: string;
  /** The TaskChannel's SID or unique name. */
  taskChannel: string;
  capacity: number;
  [extra: string]: unknown;
}

export interface MoveWorkerPayload {
  workerSid: string;
  /** A region id of the workspace (regions.json's). */
  region: string;
  [extra: string]: unknown;
}

export interface BargePayload {
  conversationSid: string;
  /** The name the customer sees (BargeIn only); default the supervisor's identity. */
  displayName?: string;
  [extra: string]: unknown;
}

const workerPath = (workspaceSid: string, workerSid: string) =>
  `/taskrouter/v1/Workspaces/${encodeURIComponent(workspaceSid)}/Workers/${encodeURIComponent(workerSid)}`;

/**
 * Registers `UpdateWorkerSkills`, `SetWorkerCapacity`, `MoveWorker`, `BargeIn` and `BargeOut`; returns a
 * function that unregisters them.
 * @example
 * const off = registerSupervisorActions(desktop, session.user.workspaceSid);
 * await desktop.Actions.invokeAction("SetWorkerCapacity", { workerSid: "WK…", taskChannel: "chat", capacity: 3 });
 */
export function registerSupervisorActions(desktop: Desktop, workspaceSid: string): () => void {
  const offSkills = desktop.Actions.registerAction("UpdateWorkerSkills", (payload) => {
    const { workerSid, attributes, skills } = payload as UpdateWorkerSkillsPayload;
    const next = { ...parseAttributes(attributes), skills: [...skills] };
    return api("POST", workerPath(workspaceSid, workerSid), { Attributes: JSON.stringify(next) });
  });
  const offCapacity = desktop.Actions.registerAction("SetWorkerCapacity", (payload) => {
    const { workerSid, taskChannel, capacity } = payload as SetWorkerCapacityPayload;
    return api("POST", `${workerPath(workspaceSid, workerSid)}/Channels/${encodeURIComponent(taskChannel)}`, { Capacity: capacity });
  });
  const offMove = desktop.Actions.registerAction("MoveWorker", (payload) => {
    const { workerSid, region } = payload as MoveWorkerPayload;
    return api("POST", workerPath(workspaceSid, workerSid), { Region: region });
  });
  // The conversation must be open in this desktop (the Live tab holds its socket while it is shown).
  const socketOf = (conversationSid: string) => {
    const client = conversationSockets(desktop).get(conversationSid);
    if (!client) throw new Error(`Conversation ${conversationSid} is not open in this desktop`);
    return client;
  };
  const notConnected = () => new Error("Not connected to the conversation; try again in a moment");
  const offBargeIn = desktop.Actions.registerAction("BargeIn", (payload) => {
    const { conversationSid, displayName } = payload as BargePayload;
    if (!socketOf(conversationSid).bargeJoin(displayName)) throw notConnected();
    return { conversationSid };
  });
  const offBargeOut = desktop.Actions.registerAction("BargeOut", (payload) => {
    const { conversationSid } = payload as BargePayload;
    if (!socketOf(conversationSid).bargeLeave()) throw notConnected();
    return { conversationSid };
  });
  return () => {
    offSkills();
    offCapacity();
    offMove();
    offBargeIn();
    offBargeOut();
  };
}
