/**
 * The direction of Switchboard's imports, checked by `npm run lint` (ARCHITECTURE.md, "Layers"): each
 * layer imports only the layers after it in LAYERS, contract/ only zod, web/ only contract/, the pure
 * cores no runtime shell, the Durable Objects no provider code, and nothing imports itself back.
 * `import type` counts: it is a dependency too.
 */
const LAYERS = ["workers", "durable-objects", "channels", "callbacks", "platform", "contract"];

/** The pure cores (ARCHITECTURE.md, "Pure core, thin shells"; tsconfig.node.json compiles the same set). */
const PURE = [
  "^(contract|callbacks)/",
  "^channels/(?!outbound\\.ts$|media\\.ts$)",
  "^platform/(regions|region-sids|jurisdictions|failover|constant-time|read-at-most|events-queue|backoff|livekit|livekit-tokens|media-service|media-voice|egress|sigv4|deadline)\\.ts$",
  "^durable-objects/(common|kit)/",
  "^durable-objects/router/(?!router-do\\.ts$|socket-hosts\\.ts$)",
  "^durable-objects/conversation/(lifecycle|store)/",
  "^durable-objects/directory/(?!directory-do\\.ts$)",
  "^durable-objects/flow/engine/",
  "^durable-objects/workspace/bot/",
];
/** What they must never reach: the request layer, Durable Object classes, socket and I/O shells, the runtime. */
const SHELLS = [
  "^workers/",
  "-do\\.ts$",
  "^durable-objects/(router/socket-hosts|conversation/(sockets|conversation-shell|conversation-host|conversation-changes|socket-session|staff-actions|task-port|webhooks)|account/notice-courier|workspace/config-delivery)\\.ts$",
  "^(channels/(outbound|media)|platform/(env|objects|stores|new-task))\\.ts$",
  "^cloudflare:",
];

/** The Durable Objects see channels/ only as the Deliver port's types; the ConversationDO's shell builds it. */
const [PORT_TYPES, PORT_WIRING] = ["^channels/(messages|channel-config)\\.ts$", "^durable-objects/conversation/conversation-shell\\.ts$"];
const rule = (name, from, to, extra = {}) => ({ name, severity: "error", from, to, ...extra });

module.exports = {
  forbidden: [
    ...LAYERS.slice(1).map((layer, i) =>
      rule(`down-only-${layer}`, { path: `^${layer}/` }, { path: `^(${LAYERS.slice(0, i + 1).join("|")})/` }),
    ),
    rule("contract-imports-only-zod", { path: "^contract/" }, { pathNot: "^contract/|^node_modules/zod/" }),
    rule("web-imports-only-contract", { path: "^web/", pathNot: "\\.config\\.ts$" }, { pathNot: "^(web|contract|node_modules)/" }),
    // The media service (a Node program beside LiveKit) shares only the contract and pure platform modules.
    rule(
      "media-service-imports-contract-and-pure-platform",
      { path: "^services/" },
      {
        path: "^(workers|durable-objects|channels|callbacks|web)/|^platform/(?!(regions|constant-time|livekit|livekit-tokens|media-voice)\\.ts$)",
      },
    ),
    rule("pure-core-no-shell", { path: PURE }, { path: SHELLS }),
    rule("deliver-through-the-port", { path: "^durable-objects/", pathNot: PORT_WIRING }, { path: "^channels/", pathNot: PORT_TYPES }),
    rule("no-circular", {}, { circular: true }),
    rule("no-circular-folders", {}, { circular: true }, { scope: "folder" }),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(test|bench|scripts|examples|web/public)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
  },
};
