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
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
