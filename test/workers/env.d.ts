// Bindings that exist only in the `workers` test project (see vitest.config.ts), and the Worker's main
// module, which types `exports` from `cloudflare:workers` (`exports.default.fetch(…)` in tests).
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      readonly TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../../workers/index");
      durableNamespaces: "WorkspaceDO" | "RouterDO" | "ConversationDO" | "AccountDO" | "DirectoryDO";
    }
  }
}
