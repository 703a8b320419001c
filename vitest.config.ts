/**
 * Four test projects in one run:
 * - `unit`: plain Node, for pure modules (routing core, regions) — fast, no Workers runtime.
 * - `compat`: one real `wrangler dev` for the suite, driven by the stock clients, provider doubles and
 *   Chromium (test/e2e).
 * - `web`: the agent desktop's browser code (framework, screens) in happy-dom.
 * - `workers`: inside workerd via @cloudflare/vitest-plugin, with the real bindings from wrangler.toml
 *   (Durable Objects, D1, R2, Queues simulated by miniflare). A runtime runs file after file
 *   (`isolate: false`: a runtime of its own per file was five sixths of the project's time); each file
 *   starts with no Durable Objects (test/workers/setup.ts).
 */
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/unit/**/*.test.ts"],
          // Isolated per file (the default): sharing one process across files saved ~40 s but crashed a fork
          // (SIGSEGV) once the media tests' native and WASI modules (rtc-node, Flite) shared it with the rest.
        },
      },
      {
        test: {
          name: "compat",
          environment: "node",
          include: ["test/compat/**/*.test.ts", "test/e2e/**/*.test.ts"],
          // One real `wrangler dev` for the whole suite, driven by the stock `twilio` client.
          globalSetup: ["test/compat/server.ts"],
          // LiveKit's Node SDK at info level, not debug (quiet-rtc.ts says why).
          setupFiles: ["test/compat/quiet-rtc.ts"],
          testTimeout: 30_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "web",
          // The agent desktop's browser code (framework, React screens) in a simulated DOM.
          environment: "happy-dom",
          include: ["test/web/**/*.test.{ts,tsx}"],
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            // D1 migrations are read here, in Node, and applied inside each test file that needs them.
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                // Test-only account credentials (never used outside tests).
                ACCOUNT_SID: "AC" + "5".repeat(32),
                AUTH_TOKEN: "test-auth-token",
                // Test-only first admin (see durable-objects/account/sign-in.ts).
                ADMIN_EMAIL: "root@switchboard.test",
                ADMIN_PASSWORD: "test-admin-password",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["test/workers/setup.ts"],
          isolate: false,
        },
      },
    ],
  },
});
