/**
 * The deploy configuration, checked the way `wrangler deploy` reads it, without an account: one
 * `wrangler deploy --dry-run` bundles workers/index.ts with wrangler.toml's rules and checks its
 * bindings (a Durable Object class the entry does not export fails it), so a broken wrangler.toml or
 * bundle fails `npm test` here instead of on an operator's first deploy. It also holds wrangler.toml to
 * platform/env.ts: every binding the Env requires must be one the deploy creates, since the types alone
 * would let a binding dropped from wrangler.toml through to a Worker that fails at its first request.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const outdir = mkdtempSync(join(tmpdir(), "switchboard-dry-run-"));

let run: { code: number; output: string };

beforeAll(async () => {
  run = await new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "--outdir", outdir],
      // CI has no network: no usage metrics. A bundle takes about 5 s here; the limit allows for a busy machine.
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 100_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it("bundles the Worker with wrangler.toml as a deploy would, without an account", () => {
  expect(run.code, run.output).toBe(0);
  expect(run.output).toContain("--dry-run: exiting now.");
  expect(existsSync(join(outdir, "index.js"))).toBe(true);
});

it("creates every binding platform/env.ts requires", () => {
  const env = readFileSync(join(root, "platform", "env.ts"), "utf8");
  const body = env.slice(env.indexOf("export interface Env {"), env.indexOf("\n}", env.indexOf("export interface Env {")));
  // Optional members are secrets and vars set per deployment (`wrangler secret put`), not bindings.
  const required = [...body.matchAll(/^\s*readonly ([A-Z_]+): /gm)].map((match) => match[1]);
  expect(required).toEqual([
    "WORKSPACE",
    "ROUTER",
    "CONVERSATION",
    "DIRECTORY",
    "FLOW",
    "ACCOUNT",
    "DB",
    "DB_EU",
    "RECORDINGS",
    "RECORDINGS_EU",
    "EVENTS",
    "ASSETS",
  ]);
  const bound = [...run.output.matchAll(/^env\.([A-Z_]+)\b/gm)].map((match) => match[1]);
  expect(bound.sort()).toEqual([...required].sort());
});
