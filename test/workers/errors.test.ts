// The shared error handling (workers/http/errors.ts), on a throwaway app with routes that fail on purpose.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, onError, onNotFound } from "../../workers/http/errors";

function appThatThrows(error: unknown) {
  const app = new Hono<{ Variables: { requestId: string } }>();
  app.use(requestId());
  app.get("/boom", () => {
    throw error;
  });
  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

afterEach(() => vi.restoreAllMocks());

describe("onError", () => {
  it("sends an ApiError's status, code and message as they are", async () => {
    const res = await appThatThrows(new ApiError(400, 20001, "FriendlyName is required")).request("/boom");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: 20001,
      message: "FriendlyName is required",
      more_info: "http://localhost/docs/errors/20001",
      status: 400,
    });
  });

  it("maps Hono's HTTPException for a caller mistake to a Twilio-shaped 4xx", async () => {
    const res = await appThatThrows(new HTTPException(413, { message: "Payload too large" })).request("/boom");
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 20413, message: "Payload too large", status: 413 });
  });

  it.each([
    [400, 20001],
    [401, 20003],
    [403, 20403],
  ])("gives Hono's HTTPException %i Twilio's code %i, as Switchboard's own checks do", async (status, code) => {
    const res = await appThatThrows(new HTTPException(status as 400, { message: "Refused" })).request("/boom");
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ code, message: "Refused", more_info: `http://localhost/docs/errors/${code}`, status });
  });

  it("answers anything else with a 500 that names the request id and nothing internal", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await appThatThrows(new Error("secret table sb_tasks is on fire")).request("/boom", {
      headers: { "x-request-id": "req-123" },
    });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({
      code: 20500,
      message: "Internal error (request req-123)",
      more_info: "http://localhost/docs/errors/20500",
      status: 500,
    });
    expect(JSON.stringify(body)).not.toContain("sb_tasks");
    // The details go to the log, under the same request id.
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]?.[0])).toContain("req-123");
  });
});
