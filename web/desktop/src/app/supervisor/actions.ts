/**
 * The supervisor's actions, registered on the desktop's Actions so plugins can listen to, change or
 * cancel them like any other (`beforeUpdateWorkerSkills` …): changing an agent's skills (their
 * attributes' `skills` array; everything else in the attributes is kept) and a channel's capacity.
 * Both are same-origin REST calls with the session cookie to the TaskRouter worker endpoints, which
 * accept a supervisor's or admin's session for exactly these two updates.
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

const workerPath = (workspaceSid: string, workerSid: string) =>
  `/taskrouter/v1/Workspaces/${encodeURIComponent(workspaceSid)}/Workers/${encodeURIComponent(workerSid)}`;

/**
 * Registers `UpdateWorkerSkills` and `SetWorkerCapacity`; returns a function that unregisters both.
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
  return () => {
    offSkills();
    offCapacity();
  };
}
