/**
 * What the data residency tests share: a recorder of every Durable Object, R2 bucket and D1 database the
 * Worker and its Durable Objects use, and one real flow through a workspace.
 *
 * Why the bindings' prototypes and not a wrapped Env: the Durable Objects get their `env` from the
 * runtime, not from the request, so an Env wrapped around `app.fetch` would see the Worker's own calls
 * only — not the WorkspaceDO pushing its configuration to a Router, the ConversationDO creating the task
 * or deleting an attachment, the Router telling the ConversationDO its agent accepted. In the test pool
 * the Worker, every Durable Object and the test share one isolate and one set of binding objects (a
 * namespace method called from inside a Durable Object has the test's `env.ROUTER` as `this`), so
 * instrumenting the bindings' classes records every use, whoever makes it. Local workerd has no
 * jurisdictions (`.jurisdiction()` throws there), so the recorder's `.jurisdiction(j)` answers a view
 * that remembers `j` and addresses the one local namespace — production's path, not objects.ts's local
 * fallback — and each use is recorded with the binding it was made on and the jurisdiction it was in.
 */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { eventually } from "../support/eventually";
import { AgentSocket } from "./realtime-helpers";
import { fetchApp, newChannel, widget } from "./webchat-helpers";

/** One use of a binding: an object addressed by name (in a jurisdiction or not), a bucket key, a database call. */
export interface Use {
  readonly kind: "object" | "bucket" | "database";
  readonly binding: string;
  readonly jurisdiction: string | null;
  readonly name: string;
}

const IN = Symbol("jurisdiction");
const REAL = Symbol("namespace");

type Method = (this: object, ...args: unknown[]) => unknown;
type Patched = { proto: Record<string, Method>; method: string; original: Method };

/** The binding `value` is, by identity with the test's env (every isolate-wide use shares these objects). */
function bindingOf(value: object): string {
  const found = Object.entries(env).find(([, bound]) => bound === value);
  return found ? found[0] : "unknown";
}

/**
 * Records every use of the Durable Object namespaces, R2 buckets and D1 databases until `stop()`.
 * @example const recording = recordBindings(); …; recording.stop(); recording.uses
 */
export function recordBindings() {
  const uses: Use[] = [];
  const patched: Patched[] = [];
  const patch = (sample: object, method: string, replace: (original: Method) => Method) => {
    const proto = Object.getPrototypeOf(sample) as Record<string, Method>;
    const original = proto[method]!;
    patched.push({ proto, method, original });
    proto[method] = replace(original);
  };

  patch(
    env.ROUTER,
    "jurisdiction",
    () =>
      function (this: object, jurisdiction: unknown) {
        return Object.assign(Object.create(this) as object, { [IN]: jurisdiction, [REAL]: this });
      },
  );
  patch(
    env.ROUTER,
    "getByName",
    (original) =>
      function (this: object, ...args: unknown[]) {
        const view = this as { [IN]?: string; [REAL]?: object };
        const namespace = view[REAL] ?? this;
        uses.push({ kind: "object", binding: bindingOf(namespace), jurisdiction: view[IN] ?? null, name: String(args[0]) });
        return original.apply(namespace, args);
      },
  );
  for (const method of ["head", "get", "put", "delete", "list", "createMultipartUpload"]) {
    patch(
      env.RECORDINGS,
      method,
      (original) =>
        function (this: object, ...args: unknown[]) {
          const name = method === "list" ? `list:${JSON.stringify(args[0] ?? {})}` : `${method}:${String(args[0])}`;
          uses.push({ kind: "bucket", binding: bindingOf(this), jurisdiction: null, name });
          return original.apply(this, args);
        },
    );
  }
  for (const method of ["prepare", "batch", "exec"]) {
    patch(
      env.DB,
      method,
      (original) =>
        function (this: object, ...args: unknown[]) {
          uses.push({ kind: "database", binding: bindingOf(this), jurisdiction: null, name: method });
          return original.apply(this, args);
        },
    );
  }
  return {
    uses,
    stop: () => {
      for (const { proto, method, original } of patched.reverse()) proto[method] = original;
    },
  };
}

/**
 * The uses that are not another workspace's: the workers project runs its files in one runtime, so events
 * an earlier file's workspaces queued are still being delivered (to objects named by those workspaces'
 * SIDs) while this file records. Anything not naming another workspace is kept, so a leak still shows.
 * @example distinct(ownUses(recording.uses, ws).filter((u) => u.kind === "object"))
 */
export const ownUses = (uses: readonly Use[], workspaceSid: string): Use[] =>
  uses.filter((use) => [...use.name.matchAll(/WS[0-9a-f]{32}/g)].every(([sid]) => sid === workspaceSid));

/** Each distinct (kind, binding, jurisdiction, name) once, sorted: what a flow touched, readable in a diff. */
export const distinct = (uses: readonly Use[]): string[] =>
  [...new Set(uses.map((u) => `${u.kind} ${u.binding}${u.jurisdiction ? ` in ${u.jurisdiction}` : ""} ${u.name}`))].sort();

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };

async function api(method: string, path: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetchApp(path, {
    method,
    headers: { ...AUTH, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** What a flow made: the workspace, its conversation, task, worker and the customer's attachment. */
export interface Flow {
  readonly workspaceSid: string;
  readonly conversationSid: string;
  readonly taskSid: string;
  readonly workerSid: string;
  readonly mediaSid: string;
}

/**
 * A team's first day, over HTTP as the team and its customer would: create the workspace (pinned to
 * `jurisdiction` when given) with the FIFO template, configure a web chat channel, add an available
 * agent, who gets a token and connects to the live channel; a customer uploads a photo and writes — which
 * creates the conversation and its task — the agent's socket rings, they accept on it, join the
 * conversation, read its messages and open the photo.
 */
export async function teamFlow(jurisdiction: string | null): Promise<Flow> {
  const v1 = "/taskrouter/v1/Workspaces";
  const workspace = await api("POST", v1, {
    FriendlyName: "Residency",
    Template: "FIFO",
    ...(jurisdiction ? { Jurisdiction: jurisdiction } : {}),
  });
  const workspaceSid = workspace.sid as string;
  const channelSid = await newChannel(workspaceSid, { Kind: "webchat", "Settings.allowed_origins": "*" });
  const available = ((await api("GET", `${v1}/${workspaceSid}/Activities?FriendlyName=Available`)).activities as { sid: string }[])[0]!;
  const worker = await api("POST", `${v1}/${workspaceSid}/Workers`, { FriendlyName: "ann", ActivitySid: available.sid });
  const workerSid = worker.sid as string;
  const minted = await api("POST", "/api/tokens", { WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: workerSid });
  const live = await exports.default.fetch(`https://sb.example/api/realtime?token=${minted.token as string}`, {
    headers: { Upgrade: "websocket" },
  });
  expect(live.status).toBe(101);
  const socket = new AgentSocket(live.webSocket!);
  expect(await socket.nextOf("hello", 10_000)).toMatchObject({ worker_sid: workerSid });

  const customer = widget(workspaceSid, channelSid);
  const session = await customer.session({ name: "Ada" });
  const upload = await customer.upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), "image/png", session.token, "parcel.png");
  expect(upload.status).toBe(201);
  const mediaSid = upload.body.sid as string;
  const sent = await customer.post(
    "/messages",
    { client_id: "c-1", body: "My parcel arrived broken", media_sids: [mediaSid] },
    session.token,
  );
  expect(sent.status).toBe(201);
  const conversationSid = sent.body.conversation_sid as string;

  const ringing = (await socket.nextOf("reservation.created", 10_000)).reservation as { sid: string; task_sid: string };
  const taskSid = ringing.task_sid;
  socket.send({ type: "accept", id: 1, reservation_sid: ringing.sid });
  expect(await socket.nextOf("ack", 10_000)).toMatchObject({ id: 1, reservation: { reservation_status: "accepted" } });
  await eventually(async () => {
    const page = await api("GET", `/conversations/v1/Conversations/${conversationSid}/Participants`);
    return (page.participants as { identity: string | null }[]).some((p) => p.identity === workerSid) ? true : undefined;
  }, "the agent joining the conversation");

  const messages = (await api("GET", `/conversations/v1/Conversations/${conversationSid}/Messages`)).messages as { body: string }[];
  expect(messages.map((m) => m.body)).toContain("My parcel arrived broken");
  const photo = await fetchApp(`/api/media/${workspaceSid}/${mediaSid}`, { headers: AUTH });
  expect(photo.status).toBe(200);
  expect(new Uint8Array(await photo.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  socket.ws.close(1000, "done");
  return { workspaceSid, conversationSid, taskSid, workerSid, mediaSid };
}
