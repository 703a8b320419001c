/**
 * The agent desktop's weight and how fast it rings, through a real `wrangler dev` and Chromium:
 * - the initial JS the desktop loads at start (gzip level 9, as scripts/build-web.mjs measures it)
 *   against its 250 KB budget, its call chunk (livekit-client, loaded only when a call is joined), the
 *   web chat widget against its 25 KB, and the widget's call chunk (livekit-client and the call panel,
 *   loaded only for a call) against its own;
 * - ring-to-screen: an agent signed in to the desktop (/app/) in headless Chromium, tasks created over
 *   REST one at a time; the desktop's own marks (`window.__sbRingTimes`: the frame's arrival and the
 *   animation frame after React committed the incoming panel) give frame → painted, and REST create →
 *   painted. The same tasks ring on a plain Node WebSocket of the same worker (as bench/realtime.ts
 *   measures), so the browser's share shows as a ratio against the socket-only figure of the same run.
 * Each task is accepted and completed over REST once it has rung, so the next finds the agent free.
 */
import type { Page } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildDesktop, buildWeb, CALL_CHUNK_BUDGET, deskCallChunkGzipBytes } from "../scripts/build-web.mjs";
import { launchChromium } from "../test/support/browser";
import { startDevServer } from "../test/support/dev-server";
import { apiFor } from "./api";
import { percentile } from "./report";

export const DESKTOP_BUDGET = 250 * 1024;
export const WIDGET_BUDGET = 25 * 1024;
const PASSWORD = "bench-password-1234";
const WARM_UP = 5;

export interface DesktopFigures {
  desktopGzipBytes: number;
  /** The desk's call chunk (livekit-client), loaded only when the desk joins a call. */
  deskCallGzipBytes: number;
  widgetGzipBytes: number;
  /** web/public/widget-call.js, which widget.js `import()`s only when a call starts. */
  widgetCallGzipBytes: number;
  /** Per task, in ms: REST create → frame on the Node socket; → painted ring; frame arrival → painted (in the page). */
  socket: number[];
  painted: number[];
  frameToPaint: number[];
  /** The same frame's arrival in the page minus its arrival on the Node socket (two clocks: ± a millisecond). */
  arrivalGap: number[];
}

interface RingTime {
  reservationSid: string;
  frameAt: number;
  paintedAt: number;
}

/** The page's mark for a reservation, as epoch ms (the page's clock origin plus its own performance.now()). */
async function ringOf(page: Page, reservationSid: string): Promise<{ frameAt: number; paintedAt: number }> {
  const handle = await page.waitForFunction(
    (sid) => {
      const scope = globalThis as unknown as { __sbRingTimes?: RingTime[]; performance: { timeOrigin: number } };
      const found = scope.__sbRingTimes?.find((r) => r.reservationSid === sid);
      return found
        ? { frameAt: scope.performance.timeOrigin + found.frameAt, paintedAt: scope.performance.timeOrigin + found.paintedAt }
        : null;
    },
    reservationSid,
    { timeout: 10_000, polling: "raf" },
  );
  return (await handle.jsonValue()) as { frameAt: number; paintedAt: number };
}

export async function runDesktopBench(tasks = 50): Promise<DesktopFigures> {
  // Built (and measured) before wrangler dev starts: rewriting web/public while it runs restarts the Worker.
  const widgetGzipBytes = await buildWeb();
  const widgetCallGzipBytes = gzipSync(readFileSync(join(process.cwd(), "web", "public", "widget-call.js")), { level: 9 }).length;
  const desktopGzipBytes = await buildDesktop();
  const deskCallGzipBytes = deskCallChunkGzipBytes();
  const server = await startDevServer();
  const api = apiFor(server);
  const browser = await launchChromium();
  try {
    const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench-desktop", Template: "FIFO" })) as { sid: string };
    const base = `/taskrouter/v1/Workspaces/${ws.sid}`;
    const available = ((await api("GET", `${base}/Activities?FriendlyName=Available`)) as { activities: { sid: string }[] }).activities[0]!
      .sid;
    const workflow = ((await api("GET", `${base}/Workflows`)) as { workflows: { sid: string }[] }).workflows[0]!.sid;
    const worker = (await api("POST", `${base}/Workers`, { FriendlyName: "Ada", ActivitySid: available })) as { sid: string };
    await api("POST", "/api/users", {
      Email: "ada@bench.test",
      FriendlyName: "Ada",
      Role: "agent",
      WorkspaceSid: ws.sid,
      WorkerSid: worker.sid,
      Password: PASSWORD,
    });

    // The plain socket: the same worker's channel, as bench/realtime.ts opens it.
    const { token } = (await api("POST", "/api/tokens", { WorkspaceSid: ws.sid, Role: "worker", WorkerSid: worker.sid })) as {
      token: string;
    };
    const socket = new WebSocket(`${server.baseUrl.replace("http", "ws")}/api/realtime?token=${encodeURIComponent(token)}`);
    const rang = new Map<string, { at: number; reservationSid: string }>();
    const waiters = new Map<string, () => void>();
    let hello: () => void = () => undefined;
    const helloed = new Promise<void>((resolve) => (hello = resolve));
    socket.addEventListener("message", (event) => {
      const at = performance.timeOrigin + performance.now();
      if (event.data === "pong") return;
      const frame = JSON.parse(String(event.data)) as { type: string; task?: { sid: string }; reservation?: { sid: string } };
      if (frame.type === "hello") hello();
      if (frame.type !== "reservation.created" || !frame.task || !frame.reservation) return;
      rang.set(frame.task.sid, { at, reservationSid: frame.reservation.sid });
      waiters.get(frame.task.sid)?.();
    });
    await helloed;
    const heartbeat = setInterval(() => socket.send("ping"), 10_000);

    // The agent, signed in to the desktop.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/app/`);
    await page.getByLabel("Email").fill("ada@bench.test");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("status").filter({ hasText: "Connected" }).waitFor({ timeout: 20_000 });

    const frameFor = (taskSid: string) =>
      new Promise<{ at: number; reservationSid: string }>((resolve, reject) => {
        const done = () => resolve(rang.get(taskSid)!);
        if (rang.has(taskSid)) return done();
        waiters.set(taskSid, done);
        setTimeout(() => reject(new Error(`no reservation.created for ${taskSid} within 10 s`)), 10_000).unref();
      });

    const figures: DesktopFigures = {
      desktopGzipBytes,
      deskCallGzipBytes,
      widgetGzipBytes,
      widgetCallGzipBytes,
      socket: [],
      painted: [],
      frameToPaint: [],
      arrivalGap: [],
    };
    for (let i = 0; i < tasks + WARM_UP; i++) {
      const start = performance.timeOrigin + performance.now();
      const task = (await api("POST", `${base}/Tasks`, {
        WorkflowSid: workflow,
        Attributes: JSON.stringify({ name: `Customer ${i}` }),
      })) as {
        sid: string;
      };
      const frame = await frameFor(task.sid);
      const ring = await ringOf(page, frame.reservationSid);
      if (i >= WARM_UP) {
        figures.socket.push(frame.at - start);
        figures.painted.push(ring.paintedAt - start);
        figures.frameToPaint.push(ring.paintedAt - ring.frameAt);
        figures.arrivalGap.push(ring.frameAt - frame.at);
      }
      // Accept and complete it, and wait for the desktop to be idle again, so the next one rings alone.
      await api("POST", `${base}/Tasks/${task.sid}/Reservations/${frame.reservationSid}`, { ReservationStatus: "accepted" });
      await api("POST", `${base}/Tasks/${task.sid}`, { AssignmentStatus: "completed", Reason: "bench" });
      await page.waitForFunction(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
        return doc.querySelector(".sb-incoming") === null && doc.querySelector(".sb-canvas-host") === null;
      });
    }
    clearInterval(heartbeat);
    socket.close();
    await context.close();
    return figures;
  } finally {
    await browser.close();
    await server.stop();
  }
}

export function desktopRows(f: DesktopFigures): string[] {
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const share = (budget: number, bytes: number) => `${((bytes / budget) * 100).toFixed(0)} %`;
  return [
    `| agent desktop: initial JS (\`web/public/app/\`, everything \`index.html\` loads at start), gzip level 9 | **${kb(f.desktopGzipBytes)}** of the ${kb(DESKTOP_BUDGET)} budget (${share(DESKTOP_BUDGET, f.desktopGzipBytes)}) |`,
    `| agent desktop: the call chunk (livekit-client), loaded only when a call is joined, gzip level 9 | ${kb(f.deskCallGzipBytes)} |`,
    `| web chat widget (\`web/public/widget.js\`), gzip level 9 | **${kb(f.widgetGzipBytes)}** of the ${kb(WIDGET_BUDGET)} budget (${share(WIDGET_BUDGET, f.widgetGzipBytes)}) |`,
    `| the widget's call chunk (\`web/public/widget-call.js\`: livekit-client and the call panel, loaded only for a call), gzip level 9 | **${kb(f.widgetCallGzipBytes)}** of the ${kb(CALL_CHUNK_BUDGET)} budget (${share(CALL_CHUNK_BUDGET, f.widgetCallGzipBytes)}) |`,
    `| frame arrival → ring painted, in the page (\`paintedAt − frameAt\`) | p50 ${p(f.frameToPaint, 50)} ms, p99 ${p(f.frameToPaint, 99)} ms |`,
    `| the same frame's arrival in the page minus on the Node socket | p50 ${p(f.arrivalGap, 50)} ms, p99 ${p(f.arrivalGap, 99)} ms |`,
    `| task created (REST) → ring painted in the desktop | p50 ${p(f.painted, 50)} ms, p99 ${p(f.painted, 99)} ms |`,
    `| baseline: task created (REST) → \`reservation.created\` on a plain Node socket, same tasks | p50 ${p(f.socket, 50)} ms, p99 ${p(f.socket, 99)} ms |`,
    `| **ratio ring painted / socket only** (p50) | **${(percentile(f.painted, 50) / percentile(f.socket, 50)).toFixed(2)}×** |`,
  ];
}
