/**
 * The Graph API double (graph.ts) as a real HTTP server on 127.0.0.1, for the compat suite, where the
 * Worker under test runs in its own `wrangler dev` process and reaches the double over the network.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createGraphDouble, type GraphDouble, type GraphDoubleOptions } from "./graph";
import { listenLocally } from "../listen";

export interface GraphServer extends GraphDouble {
  close(): Promise<void>;
}

async function toRequest(origin: string, message: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) if (typeof value === "string") headers.set(name, value);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  return new Request(`${origin}${message.url ?? "/"}`, { method: message.method ?? "GET", headers, body });
}

/**
 * Starts the double on a free port.
 *
 * @example
 * const graph = await startGraphServer({ phoneNumberId: "106540352242922", accessToken: "wa-token" });
 * // channel settings: { graph_base_url: graph.baseUrl } … then `await graph.close()`
 */
export async function startGraphServer(options: Omit<GraphDoubleOptions, "origin">): Promise<GraphServer> {
  const server: Server = createServer();
  const double = createGraphDouble({ ...options, origin: await listenLocally(server) });
  server.on("request", (message: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const answer = await double.handle(await toRequest(`http://${message.headers.host}`, message));
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      } catch (error) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: String(error), type: "OAuthException", code: 1 } }));
      }
    })();
  });
  return {
    ...double,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
