/**
 * Builds the agent desktop (web/desktop → web/public/app/, git-ignored) for the Worker's static assets,
 * served under /app/ (hash routing inside, so no server fallback). `scripts/build-web.mjs` runs it after
 * the widget and checks the initial JS against its budget.
 */
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/app/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../public/app/", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // livekit-client (~560 KB) is its own chunk, loaded only when a call is joined; the rest stays small.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `vite` in web/desktop during development: API and sockets go to `wrangler dev`.
    proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true } },
  },
});
