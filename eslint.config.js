// Lint rules: typescript-eslint's recommended set over all TypeScript, zero warnings allowed (npm test).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "web/dist/", "coverage/", "web/public/widget.js", "web/public/app/"] },
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
        Buffer: "readonly",
        URLSearchParams: "readonly",
        AbortSignal: "readonly",
      },
    },
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
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.property.name=/^(json|text|arrayBuffer|formData|blob|parseBody)$/][callee.object.property.name='req']",
          message: "Read a request body with readBody/readText (workers/http/body-limit.ts), which stops at the route's limit.",
        },
        {
          selector: "MemberExpression[property.name='body'][object.property.name='raw']",
          message: "Read a request body with readBody/readText (workers/http/body-limit.ts), which stops at the route's limit.",
        },
      ],
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
