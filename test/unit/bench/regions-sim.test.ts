// The regions simulation's core: its committed inputs, the ring time of one message worked out by hand
// under each model, and the determinism the benchmark's figures rely on.
import { describe, expect, it } from "vitest";
import inputs from "../../../bench/regions-inputs.json";
import {
  inputProblems,
  MODELS,
  PATH,
  ringMs,
  servingRegion,
  simulate,
  weightedPercentiles,
  type Draw,
  type Inputs,
  type RegionFigures,
} from "../../../bench/regions-sim";
import { percentile } from "../../../bench/report";
import { greatCircleKm, regions } from "../../../platform/regions";

const ids = regions.regions.map((r) => r.id);
const model = (id: string) => MODELS.find((m) => m.id === id)!;
/** No noise: 10 ms of last mile at each end and every hop at the matrix's average. */
const still: Draw = { customerMs: 10, agentMs: 10, jitter: PATH.map(() => 1), access: 1 };

describe("the committed inputs", () => {
  it("cover exactly the regions of regions.json, with nothing missing", () => {
    expect(Object.keys(inputs.rtt.matrix)).toEqual(ids);
    expect(Object.keys(inputs.populations.customers)).toEqual(ids);
    expect(Object.keys(inputs.populations.agents)).toEqual(ids);
    expect(inputProblems(inputs, ids)).toEqual([]);
  });

  it("hold only round trips light in fibre could make: at least the great-circle distance there and back at 2/3 c", () => {
    for (const a of regions.regions) {
      for (const b of regions.regions) {
        const rtt = inputs.rtt.matrix[a.id as keyof typeof inputs.rtt.matrix][b.id as keyof typeof inputs.rtt.matrix];
        if (a.id === b.id) expect(rtt).toBe(0);
        else expect(rtt, `${a.id} → ${b.id}`).toBeGreaterThanOrEqual((2 * greatCircleKm(a, b)) / 200);
      }
    }
  });

  it("say where each figure comes from", () => {
    expect(inputs.rtt.status).toBe("published");
    expect(inputs.rtt.source).toMatch(/https:\/\//);
    expect(inputs.withinRegionRttMs.status).toBe("estimated");
    expect(inputs.lastMile.status).toBe("estimated");
    expect(inputs.populations.status).toBe("illustrative");
  });
});

describe("inputProblems", () => {
  it("names each missing figure by its place in the file", () => {
    const { "ap-sydney": _dropped, ...customers } = inputs.populations.customers;
    const broken: Inputs = {
      ...inputs,
      home: "mars",
      rtt: { matrix: { ...inputs.rtt.matrix, "us-east": { ...inputs.rtt.matrix["us-east"], "ap-tokyo": -1 } } },
      populations: { customers, agents: Object.fromEntries(ids.map((id) => [id, 0])) },
    };
    expect(inputProblems(broken, ids)).toEqual([
      'home: "mars" is not a region',
      "rtt.matrix.us-east.ap-tokyo: expected a round trip in ms",
      "populations.customers.ap-sydney: expected a count",
      "populations.agents: no region has agents",
    ]);
    expect(() => simulate(broken, ids, { seed: 1, samplesPerRegion: 1 })).toThrow(/inputs are unusable/);
  });
});

describe("where a region's customers are served", () => {
  it("by their own region's agents, else by the staffed region nearest in round-trip time", () => {
    const served = Object.fromEntries(ids.map((id) => [id, servingRegion(inputs, ids, id)]));
    // Frankfurt has no team: Ireland is 19.55 ms away, us-east 88.62.
    expect(served).toEqual({ ...Object.fromEntries(ids.map((id) => [id, id])), "eu-frankfurt": "eu-ireland" });
  });
});

describe("ringMs, worked out by hand", () => {
  it.each([
    // Sydney's customer and agent. Central: 10 + 229.7 / 2 to us-east + (10 + 0.5) the directory there +
    // (10 / 2 + 0.5) the conversation + (10 / 2 + 1.25) the task + 230 / 2 the frame back to Sydney + 10 = 272.1.
    ["central", "ap-sydney", "ap-sydney", 272.1],
    // A new visitor, per region: straight to the conversation in Sydney (5.5), the task in Sydney's router
    // (6.25), the frame (5), 10 + 10: 36.75 — nothing crosses the Pacific.
    ["new-visitor", "ap-sydney", "ap-sydney", 36.75],
    // A known customer: the directory at home first (229.7 + 0.5), then as above: 266.95, about the central figure.
    ["known-customer", "ap-sydney", "ap-sydney", 266.95],
    // Frankfurt's new visitor, Ireland's agent: 10 + 5.5 + (19.55 / 2 + 1.25) + 5 + 10 = 41.525.
    ["new-visitor", "eu-frankfurt", "eu-ireland", 41.525],
    // us-east's own: every place is in one region; central and a known customer agree: 10 + 10.5 + 5.5 + 6.25 + 5 + 10.
    ["central", "us-east", "us-east", 47.25],
    ["known-customer", "us-east", "us-east", 47.25],
  ])("%s, a customer in %s served from %s: %f ms", (id, customer, serving, expected) => {
    expect(ringMs(inputs, model(id), customer, serving, still)).toBeCloseTo(expected, 6);
  });
});

describe("simulate", () => {
  const run = () => simulate(inputs, ids, { seed: 13, samplesPerRegion: 2_000 });

  it("draws the same figures for the same seed, and other figures for another", () => {
    const first = run();
    expect(run()).toEqual(first);
    const other = simulate(inputs, ids, { seed: 14, samplesPerRegion: 2_000 });
    expect(other[0]!.samples.central).not.toEqual(first[0]!.samples.central);
  });

  it("rings a Sydney agent for a new Sydney visitor in tens of milliseconds, and a known customer about as central does", () => {
    const sydney = run().find((f) => f.region === "ap-sydney")!;
    const p50 = (id: string) => percentile(sydney.samples[id]!, 50);
    expect(p50("central")).toBeGreaterThan(200); // one crossing of the Pacific each way
    expect(percentile(sydney.samples["new-visitor"]!, 95)).toBeLessThan(100);
    expect(p50("known-customer")).toBeGreaterThan(200); // the directory's round trip to us-east
    expect(Math.abs(p50("known-customer") - p50("central"))).toBeLessThan(30);
  });

  it("weights every customer by their region's share", () => {
    expect(run().reduce((sum, f) => sum + f.customerShare, 0)).toBeCloseTo(1, 9);
  });
});

describe("weightedPercentile", () => {
  it("weights each region's samples by its share of customers", () => {
    // 90 % of customers see 10 ms, 10 % see 1,000 ms: the median is 10, the 95th percentile 1,000.
    const figures: RegionFigures[] = [
      { region: "a", customerShare: 0.9, servedFrom: "a", samples: { central: [10, 10] } },
      { region: "b", customerShare: 0.1, servedFrom: "b", samples: { central: [1000] } },
    ];
    expect(weightedPercentiles(figures, "central", [50, 95])).toEqual([10, 1000]);
  });
});
