/**
 * Benchmark 1, per-call overhead: `client.orchestration.getMachine(id)` against a hand-written
 * `fetch` + `json()` of the same URL with the same headers, both over the global `fetch` (so
 * the same keep-alive connection pool) to the same loopback server in a child process.
 * Sequential calls, interleaved in rounds that alternate which goes first.
 *
 * Settings: `--calls=20000` per contender, `--round=500` calls per round, `--warmup=1000`.
 * With `--sandbox`, the server is the sandbox (`startSandbox()` in a child) instead of the
 * minimal server.
 *
 * @module
 */
import { PeaqosClient } from "../mod.ts";
import { DEADLINE_KIND, startDeadline } from "../src/deadline.ts";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../src/read_body.ts";
import { VERSION } from "../src/version.ts";
import {
  consume,
  emit,
  interleaved,
  median,
  quantile,
  round,
  setting,
  startChild,
} from "./_lib.ts";

const API_KEY = "pk_bench_0123456789";

export type OverheadResult = {
  readonly server: "minimal" | "sandbox";
  readonly calls: number;
  readonly roundSize: number;
  readonly sdkMedianUs: number;
  readonly fetchMedianUs: number;
  /**
   * The hand-written call with the SDK's default 30 s timeout, armed the way the SDK arms it on
   * this runtime (`deadline`).
   */
  readonly timeoutFetchMedianUs: number;
  /** How the SDK (and the timeout-fetch contender) arm the timeout on this runtime. */
  readonly deadline: typeof DEADLINE_KIND;
  readonly sdkP99Us: number;
  readonly fetchP99Us: number;
  /** SDK median / fetch median, over every call. */
  readonly ratio: number;
  /** Median over rounds of (SDK round median / fetch round median of the same round). */
  readonly roundRatio: number;
  /** SDK median / timeout-fetch median: the like-for-like comparison. */
  readonly ratioVsTimeoutFetch: number;
  /** Timeout-fetch median / fetch median: what a per-call timer costs by itself here. */
  readonly timerCost: number;
  /**
   * A hand-written call that asks of `fetch` all the SDK asks (its headers with the user agent,
   * the timeout signal, `redirect: "manual"`, the `content-length` read of the size cap, `text()`
   * then `JSON.parse`), with a constant URL: the SDK minus its own code.
   */
  readonly initFetchMedianUs: number;
  /** SDK median / init-fetch median: what the SDK's own code costs. */
  readonly ratioVsInitFetch: number;
  /** Init-fetch median / fetch median: what the SDK's requests cost `fetch` by themselves. */
  readonly initCost: number;
};

/** Runs the benchmark against `server` and returns its figures. */
export async function measureOverhead(
  origin: string,
  machineId: string,
  apiKey: string,
  server: OverheadResult["server"],
): Promise<OverheadResult> {
  const calls = setting("calls", 20_000);
  const roundSize = setting("round", 500);
  const warmup = setting("warmup", 1_000);
  const market = new PeaqosClient({ orchestrationUrl: origin, apiKey }).orchestration;
  const url = `${origin}/api/v1/machines/${encodeURIComponent(machineId)}`;
  const headers = { accept: "application/json", "x-api-key": apiKey };
  const sdkHeaders = { ...headers, "user-agent": `peaq-os-sdk-js/${VERSION}` };

  const result = await interleaved({
    sdk: async () => {
      const { item } = await market.getMachine(machineId);
      consume(item.id);
    },
    fetch: async () => {
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(`Unexpected status: ${response.status}`);
      const { item } = await response.json();
      consume(item.id);
    },
    timeoutFetch: async () => {
      const deadline = startDeadline(30_000, undefined);
      try {
        const response = await fetch(url, { headers, signal: deadline.signal });
        if (!response.ok) throw new Error(`Unexpected status: ${response.status}`);
        const { item } = await response.json();
        consume(item.id);
      } finally {
        deadline.clear();
      }
    },
    initFetch: async () => {
      const deadline = startDeadline(30_000, undefined);
      try {
        const response = await fetch(url, {
          headers: sdkHeaders,
          signal: deadline.signal,
          redirect: "manual",
        });
        if (Number(response.headers.get("content-length")) > DEFAULT_MAX_RESPONSE_BYTES) {
          throw new Error("Too big");
        }
        if (!response.ok) throw new Error(`Unexpected status: ${response.status}`);
        const { item } = JSON.parse(await response.text());
        consume(item.id);
      } finally {
        deadline.clear();
      }
    },
  }, { calls, roundSize, warmup });

  const sdk = result.sdk!;
  const init = result.initFetch!;
  const raw = result.fetch!;
  const timed = result.timeoutFetch!;
  const roundRatios = sdk.roundMedians.map((m, i) => m / raw.roundMedians[i]!);
  return {
    server,
    deadline: DEADLINE_KIND,
    calls: sdk.samples.length,
    roundSize,
    sdkMedianUs: round(median(sdk.samples) * 1000, 1),
    fetchMedianUs: round(median(raw.samples) * 1000, 1),
    sdkP99Us: round(quantile(sdk.samples, 0.99) * 1000, 1),
    fetchP99Us: round(quantile(raw.samples, 0.99) * 1000, 1),
    timeoutFetchMedianUs: round(median(timed.samples) * 1000, 1),
    ratio: round(median(sdk.samples) / median(raw.samples)),
    roundRatio: round(median(roundRatios)),
    ratioVsTimeoutFetch: round(median(sdk.samples) / median(timed.samples)),
    timerCost: round(median(timed.samples) / median(raw.samples)),
    initFetchMedianUs: round(median(init.samples) * 1000, 1),
    ratioVsInitFetch: round(median(sdk.samples) / median(init.samples)),
    initCost: round(median(init.samples) / median(raw.samples)),
  };
}

if (import.meta.main) {
  const useSandbox = Deno.args.includes("--sandbox");
  const server = useSandbox
    ? await startChild(new URL("./_sandbox_server.ts", import.meta.url).pathname)
    : await startChild(new URL("./_server.ts", import.meta.url).pathname, ["machine"]);
  try {
    // The sandbox child seeds one verified machine and prints its id and the API key.
    const seed = server.meta as { machineId: string; apiKey: string } | undefined;
    const machineId = seed?.machineId ?? "m-1";
    const apiKey = seed?.apiKey ?? API_KEY;
    const figures = await measureOverhead(
      server.url,
      machineId,
      apiKey,
      useSandbox ? "sandbox" : "minimal",
    );
    console.log(
      `getMachine (${figures.server} server, ${figures.calls} calls each): SDK ${figures.sdkMedianUs} µs, ` +
        `fetch ${figures.fetchMedianUs} µs, fetch+timeout ${figures.timeoutFetchMedianUs} µs; ratio ${figures.ratio} ` +
        `(per-round ${figures.roundRatio}), vs fetch+timeout ${figures.ratioVsTimeoutFetch}, ` +
        `vs fetch with the SDK's init ${figures.ratioVsInitFetch} (init alone ${figures.initCost}) ` +
        `(timeouts by ${figures.deadline})`,
    );
    emit({ overhead: figures });
  } finally {
    await server.close();
  }
}
