/**
 * The routing table of the SDK's HTTP proxy: the TaskRouter path it names in a body's `url` (relative
 * to `/v1/` or `/v2/`, no leading slash; Windows' `path.join` backslashes accepted) and `method`,
 * turned into the one operation Switchboard serves for it. Anything else is `null` (a 404).
 */

export type BridgeRoute =
  | { readonly op: "getWorker" | "updateWorker"; readonly workspaceSid: string; readonly workerSid: string }
  | { readonly op: "listActivities"; readonly workspaceSid: string }
  | { readonly op: "listChannels" | "listWorkerReservations"; readonly workspaceSid: string; readonly workerSid: string }
  | {
      readonly op: "getWorkerReservation" | "updateWorkerReservation";
      readonly workspaceSid: string;
      readonly workerSid: string;
      readonly reservationSid: string;
    }
  | { readonly op: "getTask" | "updateTask"; readonly workspaceSid: string; readonly taskSid: string }
  | {
      readonly op: "getTaskReservation" | "updateTaskReservation";
      readonly workspaceSid: string;
      readonly taskSid: string;
      readonly reservationSid: string;
    };

const SID = (prefix: string) => `(${prefix}[0-9a-fA-F]{32})`;
const TABLE: readonly { readonly pattern: RegExp; readonly get?: string; readonly post?: string }[] = [
  { pattern: new RegExp(`^Workspaces/${SID("WS")}/Workers/${SID("WK")}$`), get: "getWorker", post: "updateWorker" },
  { pattern: new RegExp(`^Workspaces/${SID("WS")}/Activities$`), get: "listActivities" },
  { pattern: new RegExp(`^Workspaces/${SID("WS")}/Workers/${SID("WK")}/(?:Worker)?Channels$`), get: "listChannels" },
  { pattern: new RegExp(`^Workspaces/${SID("WS")}/Workers/${SID("WK")}/Reservations$`), get: "listWorkerReservations" },
  {
    pattern: new RegExp(`^Workspaces/${SID("WS")}/Workers/${SID("WK")}/Reservations/${SID("WR")}$`),
    get: "getWorkerReservation",
    post: "updateWorkerReservation",
  },
  { pattern: new RegExp(`^Workspaces/${SID("WS")}/Tasks/${SID("WT")}$`), get: "getTask", post: "updateTask" },
  {
    pattern: new RegExp(`^Workspaces/${SID("WS")}/Tasks/${SID("WT")}/Reservations/${SID("WR")}$`),
    get: "getTaskReservation",
    post: "updateTaskReservation",
  },
];

/**
 * The operation a proxied request asks for, or null when Switchboard does not serve it.
 * @example routeOf("Workspaces/WS…/Workers/WK…", "POST") // { op: "updateWorker", workspaceSid: "WS…", workerSid: "WK…" }
 */
export function routeOf(url: string, method: string): BridgeRoute | null {
  const path = url
    .replace(/\\/g, "/")
    .replace(/^\/+/, "")
    .replace(/^v[12]\//, "")
    .replace(/\/+$/, "");
  const verb = method.toUpperCase();
  for (const row of TABLE) {
    const match = row.pattern.exec(path);
    if (!match) continue;
    const op = verb === "GET" ? row.get : verb === "POST" ? row.post : undefined;
    if (op === undefined) return null;
    const [, workspaceSid = "", second = "", third = ""] = match;
    switch (op) {
      case "getWorker":
      case "updateWorker":
      case "listChannels":
      case "listWorkerReservations":
        return { op, workspaceSid, workerSid: second };
      case "listActivities":
        return { op, workspaceSid };
      case "getWorkerReservation":
      case "updateWorkerReservation":
        return { op, workspaceSid, workerSid: second, reservationSid: third };
      case "getTask":
      case "updateTask":
        return { op, workspaceSid, taskSid: second };
      case "getTaskReservation":
      case "updateTaskReservation":
        return { op, workspaceSid, taskSid: second, reservationSid: third };
      default:
        return null;
    }
  }
  return null;
}
