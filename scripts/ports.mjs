/**
 * Ports of 127.0.0.1 for the servers the scripts and the tests start (wrangler dev, LiveKit): a free one,
 * or whether a given one is free. Everything listens on loopback only.
 */
import { createServer } from "node:net";

/**
 * A port of 127.0.0.1 nothing listens on right now (checked for TCP).
 * @returns {Promise<number>}
 */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Whether a TCP port of 127.0.0.1 is free.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export async function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
