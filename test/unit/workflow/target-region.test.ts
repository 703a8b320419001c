/**
 * A workflow target's `region` (Switchboard's extension): read where every target key is read, each
 * problem at its path, and checked against the caller's idea of which regions are fine.
 */
import { describe, expect, it } from "vitest";
import { parseWorkflowConfiguration } from "../../../durable-objects/router/workflow/configuration";

const Q = `WQ${"a".repeat(32)}`;
const document = (targets: unknown[], defaultFilter: unknown = { queue: Q }) => ({
  task_routing: { filters: [{ expression: "1==1", targets }], default_filter: defaultFilter },
});
const knownRegions = (region: string) => (["us-east", "eu-ireland"].includes(region) ? null : `no region "${region}" here`);

describe("a target's region", () => {
  it("is kept on the target that names it, and absent elsewhere", () => {
    const parsed = parseWorkflowConfiguration(
      document(
        [
          { queue: Q, timeout: 30 },
          { queue: Q, region: "eu-ireland" },
        ],
        { queue: Q, region: "us-east" },
      ),
      {
        regionProblem: knownRegions,
      },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.configuration.filters[0]!.targets.map((t) => t.region)).toEqual([undefined, "eu-ireland"]);
    expect(parsed.configuration.defaultFilter?.region).toBe("us-east");
  });

  it.each([
    ["an unknown region", "mars-base", 'no region "mars-base" here'],
    ["not a string", 7, "must be a region's id from regions.json, got 7"],
    ["blank", " ", 'must be a region\'s id from regions.json, got " "'],
  ])("%s is a problem at the key's path", (_name, region, message) => {
    expect(parseWorkflowConfiguration(document([{ queue: Q }, { queue: Q, region }]), { regionProblem: knownRegions })).toEqual({
      ok: false,
      problems: [{ path: "task_routing.filters[0].targets[1].region", message }],
    });
  });

  it("on the default filter is checked the same way", () => {
    expect(parseWorkflowConfiguration(document([{ queue: Q }], { queue: Q, region: "nowhere" }), { regionProblem: knownRegions })).toEqual({
      ok: false,
      problems: [{ path: "task_routing.default_filter.region", message: 'no region "nowhere" here' }],
    });
  });
});
