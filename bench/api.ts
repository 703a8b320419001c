/**
 * The benchmarks' HTTP client for a `wrangler dev` started by test/support/dev-server.ts: form-encoded
 * requests with the server's account credentials, JSON answers, and an error naming the call on failure.
 */
import type { DevServer } from "../test/support/dev-server";

export type Api = (method: string, path: string, body?: Record<string, string>) => Promise<Record<string, unknown>>;

export function apiFor(server: DevServer): Api {
  const authorization = "Basic " + Buffer.from(`${server.accountSid}:${server.authToken}`).toString("base64");
  return async (method, path, body) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization, ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}
