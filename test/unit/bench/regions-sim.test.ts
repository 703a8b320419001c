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
const still: Draw = { customerMs: 10, agentMs: 10, jitter: PATH.map(() => 1) };

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
    // Sydney's customer and agent. Central: 10 + (229.7 + 0.5) directory + (229.7 / 2 + 0.5) message to
    // the conversation in us-east + (10 / 2 + 1.25) the task + 230 / 2 the frame back to Sydney + 10 = 486.8.
    ["central", "ap-sydney", "ap-sydney", 486.8],
    // Per-region: the directory at home (229.7 + 0.5), 5.5 to the conversation in Sydney, 6.25 the task in
    // Sydney's router, 5 the frame, 10 + 10: 266.95 — one trans-Pacific round trip instead of two and two halves.
    ["per-region", "ap-sydney", "ap-sydney", 266.95],
    // Regional directory: 10 + 10.5 + 5.5 + 6.25 + 5 + 10 = 47.25.
    ["regional", "ap-sydney", "ap-sydney", 47.25],
    // Frankfurt's customer, Ireland's agent, regional: 10 + 20.05 + 5.5 + (19.55 / 2 + 1.25) + 5 + 10 = 61.575.
    ["regional", "eu-frankfurt", "eu-ireland", 61.575],
    // us-east's own: every place is in one region, and the models agree: 10 + 10.5 + 5.5 + 6.25 + 5 + 10.
    ["central", "us-east", "us-east", 47.25],
    ["per-region", "us-east", "us-east", 47.25],
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

  it("rings a Sydney agent for a Sydney customer one trans-Pacific round trip sooner per region, in tens of milliseconds only with a regional directory", () => {
    const sydney = run().find((f) => f.region === "ap-sydney")!;
    const [central, perRegion] = [percentile(sydney.samples.central!, 50), percentile(sydney.samples["per-region"]!, 50)];
    expect(central).toBeGreaterThan(2 * 200);
    expect(perRegion).toBeGreaterThan(200); // the directory's round trip to us-east is left
    expect(central - perRegion).toBeGreaterThan(200);
    expect(percentile(sydney.samples.regional!, 95)).toBeLessThan(100);
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
