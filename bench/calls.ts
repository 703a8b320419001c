/**
 * Calls end to end (issue 15), through a real `wrangler dev` and a real LiveKit server on 127.0.0.1, both
 * sides played by LiveKit's own Node SDK (`@livekit/rtc-node`, test/support/rtc-listener.ts), each
 * speaking a steady tone:
 * - a customer starts a call through the widget's route (`POST /api/webchat/{WS}/{XC}/call`) and joins
 *   the room with the token it answers; the call's task reserves the one available agent;
 * - the agent accepts the reservation over REST (what the desk's accept does), asks for their token
 *   (`POST /api/conversations/{CH}/media-token`, retried until the accepted reservation has made them
 *   the conversation's agent) and joins;
 * - measured from the accept: the first decoded, non-silent audio frame of the agent at the customer,
 *   and of the customer at the agent. Beside them, in the same run: LiveKit's own join time
 *   (`room.connect` → connected) and an authenticated no-op Durable Object round trip (`/api/ping`).
 * Each call is hung up and its task completed, so the next finds the agent free. The media service is
 * not started: hold music would be the customer's first audio.
 */
import { ensureLivekitServer, startLivekitServer } from "../scripts/livekit.mjs";
import { startDevServer } from "../test/support/dev-server";
import { listenIn, publishTone, type Listener } from "../test/support/rtc-listener";
import { apiFor } from "./api";

const SHOP = "https://shop.example";
const WARM_UP = 2;

export interface CallFigures {
  /** Accept → the agent's first audio frame at the customer, and the customer's at the agent (ms). */
  customerHears: number[];
  agentHears: number[];
  /** Accept → the agent's media token answered (the Worker and the ConversationDO's share). */
  agentToken: number[];
  /** LiveKit's own join: `room.connect` resolving, for every participant (ms). */
  join: number[];
  /** Authenticated no-op Durable Object round trips (ms). */
  ping: number[];
}

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
};

export async function runCallsBench(calls = 20): Promise<CallFigures> {
  const found = await ensureLivekitServer({ log: (line) => console.log(line) });
  if (found.path === null) throw new Error(`the calls benchmark needs LiveKit's server: ${found.reason}`);
  const livekit = await startLivekitServer({ binary: found.path });
  const server = await startDevServer({ LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret });
  const api = apiFor(server);
  const open: Listener[] = [];
  try {
    const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "calls bench", Template: "FIFO" })).sid as string;
    const activities = (await api("GET", `/taskrouter/v1/Workspaces/${ws}/Activities`)).activities as { sid: string; available: boolean }[];
    const agent = (await api("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Ada" })).sid as string;
    await api("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${agent}`, { ActivitySid: activities.find((a) => a.available)!.sid });
    const agentToken = (await api("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: agent })).token as string;
    const channel = (await api("POST", `/api/workspaces/${ws}/channels`, { Kind: "webchat", "Settings.allowed_origins": SHOP }))
      .sid as string;
    const widget = `${server.baseUrl}/api/webchat/${ws}/${channel}`;
    const post = async (url: string, bearer: string | null, body?: unknown) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { origin: SHOP, "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify(body ?? {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const figures: CallFigures = { customerHears: [], agentHears: [], agentToken: [], join: [], ping: [] };
    for (let i = 0; i < WARM_UP + calls; i++) {
      const measured = i >= WARM_UP;
      const session = (await post(`${widget}/sessions`, null, { name: `Caller ${i}` })).body as { token: string; visitor_id: string };
      const started = await post(`${widget}/call`, session.token, { Kind: "voice" });
      if (started.status !== 201) throw new Error(`starting call ${i}: ${started.status} ${JSON.stringify(started.body)}`);
      const { call, media } = started.body as {
        call: { room: string; task_sid: string };
        media: { url: string; token: string; identity: string };
      };
      const customer = await listenIn(media.url, media.token);
      open.push(customer);
      const customerVoice = await publishTone(customer.room, 440);

      let reservation = "";
      for (let tries = 0; !reservation; tries++) {
        const listed = await api("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${call.task_sid}/Reservations`);
        reservation =
          (listed.reservations as { sid: string; reservation_status: string }[]).find((r) => r.reservation_status === "pending")?.sid ?? "";
        if (!reservation && tries > 500) throw new Error(`call ${i}: its task was never reserved`);
        if (!reservation) await new Promise((r) => setTimeout(r, 10));
      }

      const accepted = performance.now();
      await api("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${call.task_sid}/Reservations/${reservation}`, {
        ReservationStatus: "accepted",
      });
      let token: { url: string; token: string } | null = null;
      for (let tries = 0; !token; tries++) {
        const minted = await post(`${server.baseUrl}/api/conversations/${call.room}/media-token`, agentToken);
        if (minted.status === 200) token = minted.body as { url: string; token: string };
        else if (tries > 500) throw new Error(`call ${i}: the agent's media token: ${minted.status} ${JSON.stringify(minted.body)}`);
        else await new Promise((r) => setTimeout(r, 5));
      }
      const tokenAt = performance.now();
      const agentSide = await listenIn(token.url, token.token);
      open.push(agentSide);
      const agentVoice = await publishTone(agentSide.room, 660);
      const [atCustomer, atAgent] = await Promise.all([customer.loudFrames(agent, 1), agentSide.loudFrames(media.identity, 1)]);

      if (measured) {
        figures.customerHears.push(atCustomer.firstAt - accepted);
        figures.agentHears.push(atAgent.firstAt - accepted);
        figures.agentToken.push(tokenAt - accepted);
        figures.join.push(customer.joinMs, agentSide.joinMs);
        figures.ping.push((await timed(() => api("GET", "/api/ping"))).ms);
      }

      await post(`${server.baseUrl}/api/conversations/${call.room}/call/hangup`, agentToken);
      await customerVoice.stop();
      await agentVoice.stop();
      for (const side of [customer, agentSide]) await side.close();
      open.length = 0;
      await api("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${call.task_sid}`, { AssignmentStatus: "completed", Reason: "bench" }).catch(
        () => {},
      );
    }
    for (let i = 0; i < 50; i++) figures.ping.push((await timed(() => api("GET", "/api/ping"))).ms);
    return figures;
  } finally {
    for (const side of open) await side.close().catch(() => {});
    await server.stop();
    await livekit.stop();
  }
}
