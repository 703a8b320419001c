/**
 * The stock `twilio` client, pointed at the Switchboard started for this suite — exactly what a team
 * migrating from Twilio does: `client.taskrouter.baseUrl = "<origin>/taskrouter"`.
 */
import twilio from "twilio";
import { inject } from "vitest";

export function switchboardClient(credentials?: { username: string; password: string }) {
  const accountSid = inject("accountSid");
  const client = credentials ? twilio(credentials.username, credentials.password, { accountSid }) : twilio(accountSid, inject("authToken"));
  client.taskrouter.baseUrl = `${inject("baseUrl")}/taskrouter`;
  return client;
}

/** Raw HTTP to the same server, for what a client library would never send (bad input). */
export async function raw(
  method: string,
  path: string,
  body?: Record<string, string>,
  auth = true,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = "Basic " + Buffer.from(`${inject("accountSid")}:${inject("authToken")}`).toString("base64");
  if (body) headers["content-type"] = "application/x-www-form-urlencoded";
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method,
    headers,
    body: body ? new URLSearchParams(body).toString() : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
