// Web chat has no provider: its customers write through the widget's routes and read replies on their
// socket. The adapter contract's part for it: no webhook adapter, and a reply sent the moment it is stored.
import { describe } from "vitest";
import { memoryMedia } from "../../support/doubles/media-store";
import { channelConfig, runAdapterContract } from "./adapter-contract";

describe("the adapter contract", () =>
  runAdapterContract({
    kind: "webchat",
    config: () => channelConfig("webchat", { title: "Chat with us" }, {}),
    deps: (overrides) => ({ fetch: globalThis.fetch, media: memoryMedia(), webhookUrl: "", now: () => 0, ...overrides }),
  }));
