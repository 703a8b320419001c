/** The compat server is up and the stock client authenticates against it. */
import { describe, expect, it } from "vitest";
import { raw, switchboardClient } from "./client";

describe("compat server", () => {
  it("answers /health and serves the OpenAPI document", async () => {
    expect((await raw("GET", "/health", undefined, false)).status).toBe(200);
    const doc = await raw("GET", "/openapi.json", undefined, false);
    expect(doc.status).toBe(200);
    expect((doc.body as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("rejects the stock client with a wrong token, with Twilio's error shape", async () => {
    const client = switchboardClient({ username: "AC" + "0".repeat(32), password: "wrong" });
    await expect(client.taskrouter.v1.workspaces("WS" + "0".repeat(32)).fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});
