/**
 * The demo workspace `npm start` creates on first run, through the public TaskRouter API (so it is
 * also a worked example of that API): two skill queues, a workflow that routes by task type, and three
 * available agents with different skills and languages — and the team who signs in to it (through
 * /api/users): the admin from .dev.vars, a supervisor and the three agents, each linked to their worker.
 * The supervisor and the agents share one demo password, which the caller prints once.
 */
import { randomBytes } from "node:crypto";

/** The demo team's sign-ins: email → [worker name or null, role]. */
export const DEMO_USERS = /** @type {const} */ ([
  ["supervisor@example.com", "Sam (supervisor)", "supervisor", null],
  ["ada@example.com", "Ada", "agent", "Ada"],
  ["ben@example.com", "Ben", "agent", "Ben"],
  ["cleo@example.com", "Cleo", "agent", "Cleo"],
]);

/** A fresh demo password: 12 random bytes, base64url (16 characters). */
export const newDemoPassword = () => randomBytes(12).toString("base64url");

/**
 * @typedef {{ email: string, role: string, password: string | null, created: boolean }} DemoUser
 * @param {string} baseUrl e.g. http://127.0.0.1:8787
 * @param {string} accountSid
 * @param {string} authToken
 * @param {{ adminEmail?: string, adminPassword?: string, demoPassword?: string }} [team] the admin (from .dev.vars;
 *   no admin is made without both) and the password the supervisor and agents share (generated when omitted)
 * @returns {Promise<{ workspaceSid: string, workflowSid: string, workers: string[], users: DemoUser[], demoPassword: string }>}
 */
export async function seedDemo(baseUrl, accountSid, authToken, team = {}) {
  const authorization = "Basic " + Buffer.from(`${accountSid}:${authToken}`).toString("base64");
  /** @param {string} method @param {string} path @param {Record<string, string>} [body] */
  const api = async (method, path, body) => {
    const res = await fetch(`${baseUrl}/taskrouter/v1${path}`, {
      method,
      headers: { authorization, ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    const json = /** @type {any} */ (await res.json());
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
    return json;
  };
  const workspace = await api("POST", "/Workspaces", { FriendlyName: "Demo contact center" });
  const ws = `/Workspaces/${workspace.sid}`;
  const activities = await api("GET", `${ws}/Activities?FriendlyName=Available`);
  const available = activities.activities[0].sid;
  const support = await api("POST", `${ws}/TaskQueues`, { FriendlyName: "Support", TargetWorkers: "skills HAS 'support'" });
  const sales = await api("POST", `${ws}/TaskQueues`, { FriendlyName: "Sales", TargetWorkers: "skills HAS 'sales'" });
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
      default_filter: { queue: support.sid },
    },
  };
  const workflow = await api("POST", `${ws}/Workflows`, { FriendlyName: "Demo routing", Configuration: JSON.stringify(configuration) });
  const people = [
    ["Ada", { skills: ["support"], languages: ["en"] }],
    ["Ben", { skills: ["sales"], languages: ["en", "de"] }],
    ["Cleo", { skills: ["support", "sales"], languages: ["en", "es"] }],
  ];
  const workers = [];
  for (const [name, attributes] of people) {
    const worker = await api("POST", `${ws}/Workers`, {
      FriendlyName: String(name),
      ActivitySid: available,
      Attributes: JSON.stringify(attributes),
    });
    workers.push(worker.sid);
  }
  const demoPassword = team.demoPassword ?? newDemoPassword();
  /** @type {DemoUser[]} */
  const users = [];
  /** @param {Record<string, string>} body */
  const createUser = async (body) => {
    const res = await fetch(`${baseUrl}/api/users`, {
      method: "POST",
      headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body).toString(),
    });
    const json = /** @type {any} */ (await res.json());
    // 409: that email already signs in (an earlier seed, or the admin made from the environment) — keep it.
    if (res.status === 409) return false;
    if (!res.ok) throw new Error(`POST /api/users ${body.Email}: ${res.status} ${json.message}`);
    return true;
  };
  if (team.adminEmail && team.adminPassword) {
    const created = await createUser({ Email: team.adminEmail, FriendlyName: "Admin", Role: "admin", Password: team.adminPassword });
    users.push({ email: team.adminEmail.toLowerCase(), role: "admin", password: created ? team.adminPassword : null, created });
  }
  for (const [email, friendlyName, role, workerName] of DEMO_USERS) {
    const workerSid = workerName === null ? null : workers[people.findIndex(([name]) => name === workerName)];
    const created = await createUser({
      Email: email,
      FriendlyName: friendlyName,
      Role: role,
      WorkspaceSid: workspace.sid,
      ...(workerSid ? { WorkerSid: workerSid } : {}),
      Password: demoPassword,
    });
    users.push({ email, role, password: created ? demoPassword : null, created });
  }
  return { workspaceSid: workspace.sid, workflowSid: workflow.sid, workers, users, demoPassword };
}
