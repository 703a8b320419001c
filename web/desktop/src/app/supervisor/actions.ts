/**
 * The supervisor's actions, registered on the desktop's Actions so plugins can listen to, change or
 * cancel them like any other (`beforeUpdateWorkerSkills` …): changing an agent's skills (their
 * attributes' `skills` array; everything else in the attributes is kept), a channel's capacity, and —
 * for admins — the region the agent works in (`MoveWorker`). All are same-origin REST calls with the
 * session cookie to the TaskRouter worker endpoints, which accept a supervisor's or admin's session for
 * exactly these updates (the region an admin's only).
 */
import type { Desktop } from "../../framework";
import { api } from "../api";
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

const workerPath = (workspaceSid: string, workerSid: string) =>
  `/taskrouter/v1/Workspaces/${encodeURIComponent(workspaceSid)}/Workers/${encodeURIComponent(workerSid)}`;

/**
 * Registers `UpdateWorkerSkills`, `SetWorkerCapacity` and `MoveWorker`; returns a function that unregisters them.
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
  return () => {
    offSkills();
    offCapacity();
    offMove();
  };
}
