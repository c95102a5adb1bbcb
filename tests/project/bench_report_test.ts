/**
 * The benchmark runner's pure parts: statistics, the Markdown it renders, and how it writes into
 * `BENCHMARKS.md` without touching other sections. No timing is asserted here.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { median, quantile } from "../../bench/_lib.ts";
import { MARKERS, render, splice } from "../../bench/_report.ts";

Deno.test("quantile() picks the nearest rank and median() the middle", () => {
  const values = [5, 1, 4, 2, 3];
  assertEquals(median(values), 3);
  assertEquals(quantile(values, 0), 1);
  assertEquals(quantile(values, 0.99), 5);
  assertEquals(quantile([10, 20, 30, 40], 0.5), 20);
  assert(Number.isNaN(median([])));
  assertEquals(values, [5, 1, 4, 2, 3], "input is not sorted in place");
});

Deno.test("splice() creates the file with the generated block between markers", () => {
  const text = splice(undefined, "figures");
  assertEquals(text, `# Benchmarks\n\n${MARKERS.start}\nfigures\n${MARKERS.end}\n`);
});

Deno.test("splice() replaces only the block and keeps the Reliability section intact", () => {
  const reliability = "## Reliability\n\nRetries held under faults.\n";
  const first = splice(`# Benchmarks\n\n${reliability}`, "old figures");
  assertStringIncludes(first, reliability);
  assert(first.indexOf(MARKERS.start) < first.indexOf("## Reliability"));
  const notes = "\n## Notes by hand\n\nkept\n";
  const second = splice(first + notes, "new figures");
  assertStringIncludes(second, "new figures");
  assert(!second.includes("old figures"));
  assertStringIncludes(second, reliability);
  assertStringIncludes(second, notes);
  assertEquals(splice(second, "new figures"), second);
});

Deno.test("render() marks targets as met or missed from the ratios", () => {
  const base = {
    server: "minimal" as const,
    calls: 100,
    roundSize: 10,
    sdkMedianUs: 50,
    fetchMedianUs: 49,
    timeoutFetchMedianUs: 49.5,
    sdkP99Us: 80,
    fetchP99Us: 79,
    roundRatio: 1.02,
    ratioVsTimeoutFetch: 1.01,
    timerCost: 1.01,
  };
  const input = (ratio: number) => ({
    results: { overhead: { ...base, ratio } },
    machine: {
      cpu: "test",
      cores: "2",
      memory: "1 GiB",
      os: "linux",
      loadavg: "1",
      loadavgAfter: "1",
    },
    versions: {
      sdk: "0.0.0",
      deno: "2",
      v8: "x",
      typescript: "x",
      node: "x",
      miniflare: "x",
      hono: "x",
      commit: "abc",
    },
    started: new Date("2026-01-01T00:00:00Z"),
    finished: new Date("2026-01-01T00:01:00Z"),
    quick: false,
  });
  const met = render(input(1.02));
  assertStringIncludes(
    met,
    "| 1. `getMachine` per call vs hand-written `fetch` + `json()` | ≤ 1.05 | 1.02",
  );
  assert(!met.includes("**missed**"));
  assertStringIncludes(render(input(1.3)), "**missed**");
  assertStringIncludes(met, "shared, loaded 2-core machine");
});

Deno.test("render() names a benchmark that failed to run", () => {
  const text = render({
    results: {},
    machine: { loadavg: "1", loadavgAfter: "1" },
    versions: {},
    started: new Date(0),
    finished: new Date(0),
    quick: true,
    failures: { bundle: "npm install failed" },
  });
  assertStringIncludes(text, "Not measured in this run: `bundle` (npm install failed).");
  assertStringIncludes(text, "quick smoke run");
});

Deno.test("render() judges the peers by ratio and the Edge Worker against its pass-through", () => {
  const peer = (sdk: string, ratio: number) => ({
    sdk,
    version: "1",
    call: "x",
    sdkMedianUs: 100 * ratio,
    fetchMedianUs: 100,
    sdkP99Us: 200,
    ratio,
    roundRatio: ratio,
  });
  const edgeRoute = (passRatio: number | undefined) => ({
    route: passRatio === undefined ? "GET /health (floor: no upstream call)" : "GET /x",
    edgeP50Ms: 1,
    edgeP99Ms: 2,
    passP50Ms: passRatio === undefined ? undefined : 1 / passRatio,
    passP99Ms: passRatio === undefined ? undefined : 2,
    directP50Ms: 0.5,
    directP99Ms: 1,
    passRatio,
    ratio: 2,
    edgeRps: 100,
    directRps: 200,
    rpsRatio: 2,
  });
  const text = (oursRatio: number, passRatio: number) =>
    render({
      results: {
        peers: {
          calls: 10,
          roundSize: 5,
          rows: [peer("@peaqos/peaq-os-sdk", oursRatio), peer("openai", 1.5), peer("x", 1.4)],
        },
        edge: {
          calls: 10,
          concurrency: 2,
          runs: [{
            rateLimiter: true,
            originDelayMs: 0,
            routes: [edgeRoute(undefined), edgeRoute(passRatio)],
          }],
        },
      },
      machine: { loadavg: "1", loadavgAfter: "1" },
      versions: {},
      started: new Date(0),
      finished: new Date(0),
      quick: false,
    });
  const good = text(1.04, 1.1);
  assertStringIncludes(good, "| ours lowest | 1.04 / 1.5 / 1.4 | met |");
  assertStringIncludes(good, "| ≤ 1.2 | 1.1 (vs direct SDK: 2) | met |");
  assert(!good.includes("**missed**"));
  const bad = text(1.6, 1.3);
  assertStringIncludes(bad, "| ours lowest | 1.6 / 1.5 / 1.4 | **missed** |");
  assertStringIncludes(bad, "| ≤ 1.2 | 1.3 (vs direct SDK: 2) | **missed** |");
});
