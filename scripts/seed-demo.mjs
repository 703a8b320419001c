/**
 * The demo workspace `npm start` creates on first run, through the public TaskRouter API (so it is
 * also a worked example of that API): two skill queues, a workflow that routes by task type, and three
 * available agents with different skills and languages.
 */

/**
 * @param {string} baseUrl e.g. http://127.0.0.1:8787
 * @param {string} accountSid
 * @param {string} authToken
 * @returns {Promise<{ workspaceSid: string, workflowSid: string, workers: string[] }>}
 */
export async function seedDemo(baseUrl, accountSid, authToken) {
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
  return { workspaceSid: workspace.sid, workflowSid: workflow.sid, workers };
}
