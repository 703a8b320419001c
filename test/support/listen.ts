/**
 * Test servers (provider doubles, a team's site, callback recorders) listen on a free port of
 * 127.0.0.1 — tests never reach beyond this machine.
 */
import type { Server } from "node:http";

/**
 * Starts `server` on a free port of 127.0.0.1 and answers its origin.
 * @example const origin = await listenLocally(createServer(handler)); // "http://127.0.0.1:43121"
 */
export async function listenLocally(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the test server has no port");
  return `http://127.0.0.1:${address.port}`;
}
