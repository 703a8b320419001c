/**
 * The demo workspace `npm start` seeds, through the public API (so it is also a worked example of it):
 * two skill queues, a workflow that routes by task type, three agents with different skills and
 * languages, a web chat channel for the demo shop at /demo/ — and the team who signs in to it (through
 * /api/users): the admin from .dev.vars, a supervisor and the three agents, each linked to their worker.
 *
 * Agents start Offline: they go Available when they choose to in the desktop, so a chat never rings
 * someone who is not there. Seeding is idempotent — each piece is looked up by name before it is made —
 * so running it again on the same state creates nothing twice, and a demo seeded before the web chat
 * channel existed gets the channel (and its agents, which that seed made Available, are taken Offline).
 * The supervisor and the agents share one demo password, which the caller prints.
 */
import { randomBytes } from "node:crypto";

/** The demo team's sign-ins: [email, friendly name, role, worker name or null]. */
export const DEMO_USERS = /** @type {const} */ ([
  ["supervisor@example.com", "Sam (supervisor)", "supervisor", null],
  ["ada@example.com", "Ada", "agent", "Ada"],
  ["ben@example.com", "Ben", "agent", "Ben"],
  ["cleo@example.com", "Cleo", "agent", "Cleo"],
]);

/** The demo's agents and what they can take. */
const PEOPLE = /** @type {const} */ ([
  ["Ada", { skills: ["support"], languages: ["en"] }],
  ["Ben", { skills: ["sales"], languages: ["en", "de"] }],
  ["Cleo", { skills: ["support", "sales"], languages: ["en", "es"] }],
]);

/** The web chat channel of the demo shop (web/public/demo/): the widget's settings. */
const WEBCHAT_SETTINGS = {
  title: "Copper Kettle",
  greeting: "Hi! Ask us about an order, our beans or brewing — we usually answer within a minute.",
  color: "#b4532a",
  prechat_fields: "name",
};

/** A fresh demo password: 12 random bytes, base64url (16 characters). */
export const newDemoPassword = () => randomBytes(12).toString("base64url");

/**
 * The demo page's address for a seeded channel.
 * @example demoUrl("http://127.0.0.1:8787", { workspaceSid: "WS…", channelSid: "XC…" }) // "http://127.0.0.1:8787/demo/?workspace=WS…&channel=XC…"
 * @param {string} baseUrl
 * @param {{ workspaceSid: string, channelSid: string }} demo
 */
export const demoUrl = (baseUrl, demo) => `${baseUrl}/demo/?workspace=${demo.workspaceSid}&channel=${demo.channelSid}`;

/**
 * @typedef {{ email: string, role: string, password: string | null, created: boolean }} DemoUser
 * @typedef {{ workspaceSid: string, workflowSid: string, channelSid: string, workers: string[], users: DemoUser[], demoPassword: string, created: string[] }} Demo
 * @param {string} baseUrl e.g. http://127.0.0.1:8787
 * @param {string} accountSid
 * @param {string} authToken
 * @param {{ adminEmail?: string, adminPassword?: string, demoPassword?: string, workspaceName?: string }} [team] the admin
 *   (from .dev.vars; no admin is made without both), the password the supervisor and agents share (generated when
 *   omitted) and the workspace's name (default "Demo contact center")
 * @returns {Promise<Demo>} `created` names what this run made (empty when everything existed)
 */
export async function seedDemo(baseUrl, accountSid, authToken, team = {}) {
  const authorization = "Basic " + Buffer.from(`${accountSid}:${authToken}`).toString("base64");
  /** @param {string} method @param {string} path @param {Record<string, string>} [body] */
  const call = async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization, ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    const json = /** @type {any} */ (await res.json());
    return { status: res.status, ok: res.ok, json };
  };
  /** @param {string} method @param {string} path @param {Record<string, string>} [body] */
  const api = async (method, path, body) => {
    const { ok, status, json } = await call(method, path, body);
    if (!ok) throw new Error(`${method} ${path}: ${status} ${json.message}`);
    return json;
  };
  /** @type {string[]} */
  const created = [];
  /**
   * The first item of a list named `name`, or the one `create` makes.
   * @param {string} what @param {string} list @param {string} key @param {string} name @param {Record<string, string>} body
   */
  const findOrCreate = async (what, list, key, name, body) => {
    const found = (await api("GET", `${list}?FriendlyName=${encodeURIComponent(name)}`))[key][0];
    if (found) return { ...found, existed: true };
    created.push(`${what} ${name}`);
    return { ...(await api("POST", list, { FriendlyName: name, ...body })), existed: false };
  };

  const workspace = await findOrCreate(
    "workspace",
    "/taskrouter/v1/Workspaces",
    "workspaces",
    team.workspaceName ?? "Demo contact center",
    {},
  );
  const ws = `/taskrouter/v1/Workspaces/${workspace.sid}`;
  const activity = async (/** @type {string} */ name) => (await api("GET", `${ws}/Activities?FriendlyName=${name}`)).activities[0].sid;
  const offline = await activity("Offline");
  const support = await findOrCreate("queue", `${ws}/TaskQueues`, "task_queues", "Support", { TargetWorkers: "skills HAS 'support'" });
  const sales = await findOrCreate("queue", `${ws}/TaskQueues`, "task_queues", "Sales", { TargetWorkers: "skills HAS 'sales'" });
  const configuration = {
    task_routing: {
      filters: [
        {
          filter_friendly_name: "Support in the customer's language first",
          expression: "type == 'support'",
          targets: [{ queue: support.sid, expression: "task.language IN worker.languages", timeout: 30 }, { queue: support.sid }],
        },
        { filter_friendly_name: "Sales", expression: "type == 'sales'", targets: [{ queue: sales.sid, priority: 5 }] },
      ],
      // Web chats from the demo shop (no type) go to Support.
      default_filter: { queue: support.sid },
    },
  };
  const workflow = await findOrCreate("workflow", `${ws}/Workflows`, "workflows", "Demo routing", {
    Configuration: JSON.stringify(configuration),
  });
  const workers = [];
  for (const [name, attributes] of PEOPLE) {
    workers.push(
      await findOrCreate("worker", `${ws}/Workers`, "workers", name, { ActivitySid: offline, Attributes: JSON.stringify(attributes) }),
    );
  }

  const channels = `/api/workspaces/${workspace.sid}/channels`;
  let channel = (await api("GET", channels)).channels.find((/** @type {{ kind: string }} */ c) => c.kind === "webchat");
  if (!channel) {
    created.push("web chat channel");
    const settings = Object.fromEntries(Object.entries(WEBCHAT_SETTINGS).map(([name, value]) => [`Settings.${name}`, value]));
    channel = await api("POST", channels, { Kind: "webchat", FriendlyName: "Demo shop web chat", WorkflowSid: workflow.sid, ...settings });
    // A demo seeded before this channel existed made its agents Available though nobody had signed in:
    // the first chat would ring one of them for two minutes. Once, now, they go Offline like new ones.
    for (const worker of workers) {
      if (worker.existed && worker.activity_name === "Available")
        await api("POST", `${ws}/Workers/${worker.sid}`, { ActivitySid: offline });
    }
  }

  const demoPassword = team.demoPassword ?? newDemoPassword();
  /** @type {DemoUser[]} */
  const users = [];
  /** @param {Record<string, string>} body @returns {Promise<boolean>} whether the user was made now */
  const createUser = async (body) => {
    const { ok, status, json } = await call("POST", "/api/users", body);
    // 409: that email already signs in (an earlier seed, or the admin made from the environment) — keep it.
    if (status === 409) return false;
    if (!ok) throw new Error(`POST /api/users ${body.Email}: ${status} ${json.message}`);
    created.push(`user ${body.Email}`);
    return true;
  };
  if (team.adminEmail && team.adminPassword) {
    const made = await createUser({ Email: team.adminEmail, FriendlyName: "Admin", Role: "admin", Password: team.adminPassword });
    users.push({ email: team.adminEmail.toLowerCase(), role: "admin", password: made ? team.adminPassword : null, created: made });
  }
  for (const [email, friendlyName, role, workerName] of DEMO_USERS) {
    const worker = workerName === null ? undefined : workers[PEOPLE.findIndex(([name]) => name === workerName)];
    const made = await createUser({
      Email: email,
      FriendlyName: friendlyName,
      Role: role,
      WorkspaceSid: workspace.sid,
      ...(worker ? { WorkerSid: worker.sid } : {}),
      Password: demoPassword,
    });
    users.push({ email, role, password: made ? demoPassword : null, created: made });
  }
  return {
    workspaceSid: workspace.sid,
    workflowSid: workflow.sid,
    channelSid: channel.sid,
    workers: workers.map((worker) => worker.sid),
    users,
    demoPassword,
    created,
  };
}
