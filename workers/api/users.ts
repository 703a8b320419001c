/**
 * The people who sign in (Switchboard-native, under /api/users): admins manage them — through the
 * desktop (session cookie, role admin) or a backend (the account's Basic credentials); a supervisor may
 * read the users of their own workspace. A user's worker must exist in their workspace: checked here,
 * through the Router, before the AccountDO stores the link. A password is never returned, only
 * `has_password` (false for a user who signs in through SSO only). Deleting, disabling, demoting or
 * unlinking a user, or setting their password, ends what they may no longer hold — sessions, tokens,
 * open live connections — in the AccountDO, at once.
 */
import { Hono, type Context } from "hono";
import { USER_ROLES, type UserChanges, type UserRecord } from "../../durable-objects/account/users";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../durable-objects/account/passwords";
import type { AuthVariables } from "../auth/basic";
import { accountOf, basicOrSession, type Caller } from "../auth/session-guard";
import type { Env } from "../../platform/env";
import { followMoves, workspaceFor } from "../../platform/objects";
import { ApiError } from "../http/errors";
import { bool, oneOf, sid, str } from "./taskrouter/params";
import { endpoint, pageBody, pageRequest, unwrap } from "./taskrouter/wire";
import { defined } from "../../durable-objects/common/rpc";

/** Where these Switchboard-native endpoints live, how they are called, and their OpenAPI group. */
const signedIn = { prefix: "/api", auth: "basic-or-session", tag: "Users" } as const;
const fields = {
  Email: str({ min: 3, max: 254 }),
  FriendlyName: str({ min: 1, max: 128 }).optional(),
  Role: oneOf(USER_ROLES),
  WorkspaceSid: sid("WS").optional(),
  WorkerSid: sid("WK").optional(),
  Password: str({ min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH }).optional(),
  Disabled: bool().optional(),
};
const create = endpoint({
  method: "post",
  path: "/users",
  ...signedIn,
  status: 201,
  summary: "Create a user (admins): agents need WorkspaceSid and WorkerSid; omit Password for an SSO-only user",
  params: fields,
});
const list = endpoint({
  method: "get",
  path: "/users",
  ...signedIn,
  summary: "List users (admins: all, or of WorkspaceSid; supervisors: their workspace's)",
  params: { WorkspaceSid: sid("WS").optional(), Role: oneOf(USER_ROLES).optional() },
  listKey: "users",
});
const fetchOne = endpoint({
  method: "get",
  path: "/users/:UserSid",
  ...signedIn,
  summary: "Fetch a user",
  params: {},
});
const update = endpoint({
  method: "post",
  path: "/users/:UserSid",
  ...signedIn,
  summary: "Update a user (admins); WorkspaceSid or WorkerSid set to an empty string clears them",
  params: {
    ...fields,
    Email: fields.Email.optional(),
    Role: fields.Role.optional(),
    WorkspaceSid: clearableSid("WS"),
    WorkerSid: clearableSid("WK"),
  },
});
const remove = endpoint({
  method: "delete",
  path: "/users/:UserSid",
  ...signedIn,
  status: 204,
  summary: "Delete a user",
  params: {},
});

/** A SID, or "" to clear it. */
function clearableSid(prefix: string) {
  return sid(prefix)
    .or(str({ max: 0 }))
    .optional();
}

type UsersEnv = { Bindings: Env; Variables: AuthVariables };
export const users = new Hono<UsersEnv>();

const forbidden = (what: string) => new ApiError(403, 20403, `Only admins may ${what}`);

function requireAdmin(caller: Caller, what: string): void {
  if (caller.kind === "user" && caller.user.role !== "admin") throw forbidden(what);
}

/** The workspace exists in the account, and the worker (if any) in the workspace — 400 naming the field otherwise. */
async function checkLinks(env: Env, accountSid: string, workspaceSid: string | null, workerSid: string | null): Promise<void> {
  if (workspaceSid === null) return;
  const workspace = await workspaceFor(env, workspaceSid).getWorkspace(accountSid);
  if (!workspace.ok) throw new ApiError(400, 20001, `Invalid parameter WorkspaceSid: workspace ${workspaceSid} does not exist`);
  if (workerSid === null) return;
  const worker = await followMoves(env, workspaceSid, workerSid, (router) => router.getWorker(accountSid, workerSid));
  if (!worker.ok) throw new ApiError(400, 20001, `Invalid parameter WorkerSid: worker ${workerSid} is not in workspace ${workspaceSid}`);
}

function userSid(c: Context): string {
  const raw = c.req.param("UserSid") ?? "";
  if (!sid("US").safeParse(raw).success) throw new ApiError(404, 20404, `The requested resource /api/users/${raw} was not found`);
  return raw;
}

users.post("/users", async (c) => {
  const caller = await basicOrSession(c);
  requireAdmin(caller, "create users");
  const p = await create.parse(c);
  await checkLinks(c.env, caller.accountSid, p.WorkspaceSid ?? null, p.WorkerSid ?? null);
  const created = await accountOf(c.env).stub.createUser(
    {
      email: p.Email,
      role: p.Role,
      workspaceSid: p.WorkspaceSid ?? null,
      workerSid: p.WorkerSid ?? null,
      ...defined({ friendlyName: p.FriendlyName, disabled: p.Disabled }),
    },
    p.Password,
  );
  return c.json(unwrap(created), 201);
});

users.get("/users", async (c) => {
  const caller = await basicOrSession(c);
  const p = await list.parse(c);
  let workspaceSid = p.WorkspaceSid;
  if (caller.kind === "user" && caller.user.role !== "admin") {
    if (caller.user.role !== "supervisor") throw new ApiError(403, 20403, "Only admins and supervisors may list users");
    if (workspaceSid !== undefined && workspaceSid !== caller.user.workspace_sid)
      throw new ApiError(403, 20403, "A supervisor may only list the users of their own workspace");
    workspaceSid = caller.user.workspace_sid ?? undefined;
  }
  const request = pageRequest(p as Parameters<typeof pageRequest>[0]);
  const page = unwrap(
    await accountOf(c.env).stub.listUsers({ ...(workspaceSid ? { workspaceSid } : {}), ...(p.Role ? { role: p.Role } : {}) }, request),
  );
  return c.json(pageBody(c, "users", page, request, (user) => user));
});

users.get("/users/:UserSid", async (c) => {
  const caller = await basicOrSession(c);
  await fetchOne.parse(c);
  const found: UserRecord = unwrap(await accountOf(c.env).stub.getUser(userSid(c)));
  if (caller.kind === "user" && caller.user.role !== "admin" && caller.user.sid !== found.sid) {
    const sameTeam = caller.user.role === "supervisor" && caller.user.workspace_sid === found.workspace_sid;
    if (!sameTeam) throw new ApiError(403, 20403, "You may only read yourself, or the users of the workspace you supervise");
  }
  return c.json(found);
});

users.post("/users/:UserSid", async (c) => {
  const caller = await basicOrSession(c);
  requireAdmin(caller, "change users");
  const p = await update.parse(c);
  const account = accountOf(c.env).stub;
  const current = unwrap(await account.getUser(userSid(c)));
  const cleared = (value: string | undefined) => (value === undefined ? undefined : value === "" ? null : value);
  const changes: UserChanges = {
    ...defined({ email: p.Email, friendlyName: p.FriendlyName, role: p.Role }),
    ...defined({ workspaceSid: cleared(p.WorkspaceSid), workerSid: cleared(p.WorkerSid), disabled: p.Disabled }),
  };
  if (caller.kind === "user" && caller.user.sid === current.sid && (changes.disabled || (changes.role && changes.role !== "admin"))) {
    throw new ApiError(400, 20001, "An admin cannot disable or demote themselves: another admin must");
  }
  const workspaceSid = changes.workspaceSid !== undefined ? changes.workspaceSid : current.workspace_sid;
  const workerSid = changes.workerSid !== undefined ? changes.workerSid : current.worker_sid;
  if (changes.workspaceSid !== undefined || changes.workerSid !== undefined)
    await checkLinks(c.env, caller.accountSid, workspaceSid, workerSid);
  // A new password ends the user's other sessions; their own session survives when they set it themselves.
  const keepSession = caller.kind === "user" && caller.user.sid === current.sid ? caller.sessionSid : undefined;
  return c.json(unwrap(await account.updateUser(current.sid, changes, p.Password, keepSession)));
});

users.delete("/users/:UserSid", async (c) => {
  const caller = await basicOrSession(c);
  requireAdmin(caller, "delete users");
  await remove.parse(c);
  const target = userSid(c);
  if (caller.kind === "user" && caller.user.sid === target)
    throw new ApiError(400, 20001, "An admin cannot delete themselves: another admin must");
  unwrap(await accountOf(c.env).stub.deleteUser(target));
  return c.body(null, 204);
});
