/**
 * API keys of the account (Switchboard-native, under /api/keys): create one for each integration
 * instead of sharing the auth token. Only the account's own credentials may manage keys, and a key's
 * secret is shown once, when it is created; Switchboard keeps only its SHA-256.
 */
import { Hono } from "hono";
import { basicAuth, type AuthVariables } from "../auth/basic";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { sid, str } from "./taskrouter/params";
import { endpoint, pageBody, pageRequest, unwrap } from "./taskrouter/wire";
import { accountFor } from "../../platform/objects";

const tag = "API keys";
const create = endpoint({
  method: "post",
  path: "/keys",
  prefix: "/api",
  tag,
  summary: "Create an API key; the response is the only time its secret is shown",
  params: { FriendlyName: str({ max: 64 }).optional() },
});
const list = endpoint({
  method: "get",
  path: "/keys",
  prefix: "/api",
  tag,
  summary: "List API keys (without secrets)",
  params: {},
  listKey: "keys",
});
const remove = endpoint({ method: "delete", path: "/keys/:Sid", prefix: "/api", tag, summary: "Delete an API key", params: {} });

export const keys = new Hono<{ Bindings: Env; Variables: AuthVariables }>();
const accountOnly = basicAuth();
for (const path of ["/keys", "/keys/*"]) {
  keys.use(path, accountOnly, async (c, next) => {
    if (c.get("credential") !== "account")
      throw new ApiError(403, 20403, "API keys can only be managed with the account's own credentials");
    await next();
  });
}

const account = (env: Env, accountSid: string) => accountFor(env, accountSid);

keys.post("/keys", async (c) => {
  const p = await create.parse(c);
  return c.json(unwrap(await account(c.env, c.get("accountSid")).createApiKey(p.FriendlyName ?? "")), 201);
});

keys.get("/keys", async (c) => {
  const request = pageRequest(await list.parse(c));
  const page = unwrap(await account(c.env, c.get("accountSid")).listApiKeys(request));
  return c.json(pageBody(c, "keys", page, request, (key) => key));
});

keys.delete("/keys/:Sid", async (c) => {
  await remove.parse(c);
  const keySid = sid("SK").safeParse(c.req.param("Sid"));
  if (!keySid.success) throw new ApiError(404, 20404, `The requested resource /api/keys/${c.req.param("Sid")} was not found`);
  unwrap(await account(c.env, c.get("accountSid")).deleteApiKey(keySid.data));
  return c.body(null, 204);
});
