// Lint rules: typescript-eslint's recommended set over all TypeScript, zero warnings allowed (npm test).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const bodyRead = { message: "Read a request body with readBody/readText (workers/http/body-limit.ts), which stops at the route's limit." };
const bodyReads = [
  {
    ...bodyRead,
    selector: "CallExpression[callee.property.name=/^(json|text|arrayBuffer|formData|blob|parseBody)$/][callee.object.property.name='req']",
  },
  { ...bodyRead, selector: "MemberExpression[property.name='body'][object.property.name='raw']" },
];
const addressed = {
  message: "Address Durable Objects through platform/objects.ts (routerFor, workspaceFor, …), the one module that places them.",
};
const addressing = [
  { ...addressed, selector: "CallExpression[callee.property.name=/^(getByName|idFromName|idFromString|newUniqueId)$/]" },
  {
    ...addressed,
    selector:
      "CallExpression[callee.property.name='get'][callee.object.property.name=/^(WORKSPACE|ROUTER|CONVERSATION|DIRECTORY|ACCOUNT)$/]",
  },
];

const stored = {
  message:
    "Reach R2 buckets and D1 databases through platform/stores.ts (recordingsFor, reportingFor), which picks the workspace's jurisdiction.",
};
const storing = [{ ...stored, selector: "MemberExpression[property.name=/^(RECORDINGS|DB)(_[A-Z]+)?$/]" }];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".wrangler/",
      ".cache/",
      "web/dist/",
      "coverage/",
      "web/public/widget.js",
      "web/public/widget-call.js",
      "web/public/app/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        fetch: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        Buffer: "readonly",
        URLSearchParams: "readonly",
        AbortSignal: "readonly",
      },
    },
  },
  {
    // dependency-cruiser's configuration is CommonJS, as the tool loads it.
    files: [".dependency-cruiser.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable" } },
  },
  {
    // The demo shop's one browser script (served as written, no build).
    files: ["web/public/demo/*.js"],
    languageOptions: { globals: { document: "readonly", location: "readonly", URLSearchParams: "readonly" } },
  },
  {
    // Every route reads at most its declared limit: bodies are read through workers/http/body-limit.ts only.
    files: ["workers/**/*.ts"],
    ignores: ["workers/http/body-limit.ts"],
    rules: { "no-restricted-syntax": ["error", ...bodyReads, ...addressing, ...storing] },
  },
  {
    // Durable Objects are addressed in one place (location hints and jurisdictions applied there).
    files: [
      "durable-objects/**/*.ts",
      "channels/**/*.ts",
      "callbacks/**/*.ts",
      "platform/**/*.ts",
      "contract/**/*.ts",
      "workers/http/body-limit.ts",
    ],
    ignores: ["platform/objects.ts"],
    rules: { "no-restricted-syntax": ["error", ...addressing, ...storing] },
  },
  {
    // A pinned workspace's bytes stay in its jurisdiction: buckets and databases are picked in one place.
    files: ["platform/stores.ts"],
    rules: { "no-restricted-syntax": ["error", ...addressing] },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
