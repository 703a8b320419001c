/**
 * The direction of Switchboard's dependencies, checked by `npm run lint` (ARCHITECTURE.md, "Layers").
 * Each layer imports only the layers below it:
 *
 *   workers/          the request layer
 *   durable-objects/  the five Durable Object classes and their pure cores
 *   channels/         provider adapters, outbound delivery, media
 *   callbacks/        the pure parts of signed outbound callbacks
 *   platform/         Env, regions, addressing Durable Objects, the EVENTS queue's messages
 *   contract/         what the browser and the server share (zod and types; imports only zod)
 *
 * and web/ imports only contract/. Type-only imports count: `import type` is a dependency too.
 */
const LAYERS = ["workers", "durable-objects", "channels", "callbacks", "platform", "contract"];

/** One rule per layer: nothing above it. */
const downOnly = LAYERS.slice(1).map((layer, i) => ({
  name: `down-only-${layer}`,
  comment: `${layer}/ imports only the layers below it (${LAYERS.slice(i + 2).join(", ") || "none"}), never ${LAYERS.slice(0, i + 1).join(", ")}.`,
  severity: "error",
  from: { path: `^${layer}/` },
  to: { path: `^(${LAYERS.slice(0, i + 1).join("|")})/` },
}));

/**
 * The pure cores (ARCHITECTURE.md, "Pure core, thin shells"; tsconfig.node.json compiles the same set
 * with Node's types only) and the runtime shells they must never reach.
 */
const PURE = [
  "^contract/",
  "^callbacks/",
  "^channels/(?!outbound\\.ts$|media\\.ts$)",
  "^platform/(regions|constant-time|read-at-most|events-queue)\\.ts$",
  "^durable-objects/common/",
  "^durable-objects/router/(?!router-do\\.ts$|socket-hosts\\.ts$)",
  "^durable-objects/conversation/(lifecycle|store)/",
  "^durable-objects/directory/(?!directory-do\\.ts$)",
];
const SHELLS = [
  "^workers/",
  "-do\\.ts$",
  "^durable-objects/router/socket-hosts\\.ts$",
  "^durable-objects/conversation/(sockets|conversation-shell|webhooks)\\.ts$",
  "^durable-objects/account/notice-courier\\.ts$",
  "^durable-objects/workspace/router-push\\.ts$",
  "^channels/(outbound|media)\\.ts$",
  "^platform/(env|objects)\\.ts$",
  "^cloudflare:",
];

module.exports = {
  forbidden: [
    ...downOnly,
    {
      name: "contract-imports-only-zod",
      comment: "contract/ is what the browser and the server share: zod schemas and types, nothing else.",
      severity: "error",
      from: { path: "^contract/" },
      to: { pathNot: "^contract/|^node_modules/zod/" },
    },
    {
      name: "web-imports-only-contract",
      comment: "Browser code imports only contract/ (and npm packages, and itself): never server code.",
      severity: "error",
      from: { path: "^web/", pathNot: "\\.config\\.ts$" },
      to: { pathNot: "^(web|contract|node_modules)/" },
    },
    {
      name: "pure-core-no-shell",
      comment:
        "A pure module (plain Node, no cloudflare:*) never imports a Durable Object class, a socket or I/O shell, or the request layer.",
      severity: "error",
      from: { path: PURE },
      to: { path: SHELLS },
    },
    {
      name: "no-circular",
      comment: "No module reaches itself through its imports.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-circular-folders",
      comment: "No folder reaches itself through its modules' imports.",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(test|bench|scripts|examples|web/public)/" },
    // `import type` is a dependency too: a type-only import of a layer above is still a wrong direction.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
  },
};
