/**
 * Benchmark 4a, edge overhead: the Edge Worker's market proxy (`worker/`, bundled as the tests
 * bundle it, run in workerd through Miniflare) in front of the sandbox, against direct SDK calls
 * to the same sandbox in the same run. Two routes: `GET /v1/market/services/:id` (platform
 * auth) against `getMarketService(id)`, and `POST /v1/market/search` (agent auth) against
 * `searchMarket(...)`. Sequential calls interleaved in rounds give p50/p99 latency; short
 * interleaved bursts with `--concurrency` (8) clients give requests/s. A third row, `GET /health`
 * on the Worker against `GET /health` on the sandbox (neither calls anything), is the floor: what
 * the extra workerd hop costs by itself. The Worker runs twice: with its per-tenant rate limiter
 * on (a Durable Object call per request, counted in memory with a storage write every tenth
 * request, as deployed; limit too high to trip) and off.
 * A third run puts `--origin-delay` (20) ms of added latency in front of the sandbox (a forwarding
 * child server, used by every contender) to stand for an origin that is not on loopback.
 *
 * The Worker's own cost is read against a pass-through Worker (`_passthrough_worker.ts`) in the
 * same Miniflare run: same workerd, same upstream, a Worker that only forwards. Both are reached
 * on their own direct sockets: Miniflare's shared entry socket goes through a dev-only router
 * Worker that adds about 0.4 ms per request, which a deployed Worker does not pay. Edge p50 / pass-through p50 is the target (<= 1.2); edge p50 / direct SDK p50 is
 * kept as the end-to-end figure.
 *
 * Settings: `--edge-calls=1000` per contender and route (`--edge-wan-calls=150` in the delayed
 * run), `--edge-burst=400` requests per route.
 *
 * @module
 */
import { Miniflare } from "miniflare";
import { PeaqosClient } from "../mod.ts";
import { PASSTHROUGH_WORKER } from "./_passthrough_worker.ts";
import {
  CLIENT_KEY,
  SESSION_KEY,
  sha256Hex,
  WEBHOOK_SECRET,
  WORKER_MINIFLARE,
} from "../tests/_worker.ts";
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

const SERVICE_ID = "svc_sim_route";

type Seed = {
  readonly apiKey: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly pairingToken: string;
};

export type EdgeRoute = {
  readonly route: string;
  readonly edgeP50Ms: number;
  readonly edgeP99Ms: number;
  /** The pass-through Worker, when the route goes through one (not the floor row). */
  readonly passP50Ms: number | undefined;
  readonly passP99Ms: number | undefined;
  readonly directP50Ms: number;
  readonly directP99Ms: number;
  /** Edge p50 ÷ pass-through p50: the Worker's own cost; target <= 1.2. */
  readonly passRatio: number | undefined;
  /** Edge p50 ÷ direct SDK p50: the whole hop. */
  readonly ratio: number;
  readonly edgeRps: number;
  readonly directRps: number;
  /** Direct requests/s ÷ edge requests/s. */
  readonly rpsRatio: number;
};

export type EdgeRun = {
  readonly rateLimiter: boolean;
  /** Latency added in front of the sandbox, in ms (0: plain loopback). */
  readonly originDelayMs: number;
  readonly routes: readonly EdgeRoute[];
};

export type EdgeResult = {
  readonly calls: number;
  readonly concurrency: number;
  readonly runs: readonly EdgeRun[];
};

/** Requests/s of `call` with `concurrency` workers over `count` calls. */
async function burst(call: () => Promise<unknown>, concurrency: number, count: number) {
  let issued = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued++ < count) await call();
  }));
  return count / ((performance.now() - started) / 1000);
}

/** Runs the benchmark against a fresh sandbox, with the Worker's rate limiter on and off. */
export async function measureEdge(): Promise<EdgeResult> {
  const calls = setting("edge-calls", 1_000);
  const burstSize = setting("edge-burst", 400);
  const concurrency = setting("concurrency", 8);
  const wanCalls = setting("edge-wan-calls", 150);
  const delay = setting("origin-delay", 20);
  const sandbox = await startChild(new URL("./_sandbox_server.ts", import.meta.url).pathname);
  const server = new URL("./_server.ts", import.meta.url).pathname;
  const delayed = await startChild(server, [
    "delay",
    `--target=${sandbox.url}`,
    `--delay=${delay}`,
  ]);
  try {
    const seed = sandbox.meta as Seed;
    const runs: EdgeRun[] = [];
    for (const rateLimiter of [true, false]) {
      runs.push({
        rateLimiter,
        originDelayMs: 0,
        routes: await measureWorker(
          sandbox.url,
          seed,
          rateLimiter,
          calls,
          burstSize,
          concurrency,
          true,
        ),
      });
    }
    runs.push({
      rateLimiter: true,
      originDelayMs: delay,
      routes: await measureWorker(
        delayed.url,
        seed,
        true,
        wanCalls,
        burstSize / 4,
        concurrency,
        false,
      ),
    });
    return { calls, concurrency, runs };
  } finally {
    await Promise.all([delayed.close(), sandbox.close()]);
  }
}

async function measureWorker(
  origin: string,
  seed: Seed,
  rateLimiter: boolean,
  calls: number,
  burstSize: number,
  concurrency: number,
  withFloor: boolean,
): Promise<EdgeRoute[]> {
  const { host, ...edgeWorker } = WORKER_MINIFLARE;
  const mf = new Miniflare({
    host,
    port: 0,
    workers: [
      {
        ...edgeWorker,
        name: "edge",
        bindings: {
          PEAQOS_ORCHESTRATION_URL: origin,
          PEAQOS_API_KEY: seed.apiKey,
          PEAQOS_WEBHOOK_SECRET: WEBHOOK_SECRET,
          EDGE_CLIENT_KEYS: `bench=${await sha256Hex(CLIENT_KEY)}`,
          SESSION_ENCRYPTION_KEY: SESSION_KEY,
          HANDOFF_ALLOWED_HOSTS: "",
          HANDOFF_ALLOW_LOOPBACK_HTTP: "false",
          RATE_LIMIT_PER_MINUTE: rateLimiter ? "100000000" : "0",
        },
        // Reached on its own socket, as the pass-through is: Miniflare's shared entry socket
        // routes through a dev-only router Worker that adds about 0.4 ms per request.
        unsafeDirectSockets: [{ host, port: 0 }],
      },
      {
        name: "passthrough",
        modules: true,
        script: PASSTHROUGH_WORKER,
        compatibilityDate: edgeWorker.compatibilityDate,
        bindings: { UPSTREAM: origin, API_KEY: seed.apiKey },
        unsafeDirectSockets: [{ host, port: 0 }],
      },
    ],
  });
  try {
    await mf.ready;
    const edge = (await mf.unsafeGetDirectURL("edge")).origin;
    const pass = (await mf.unsafeGetDirectURL("passthrough")).origin;
    const market = new PeaqosClient({ orchestrationUrl: origin, apiKey: seed.apiKey })
      .orchestration;
    const search = {
      machineId: seed.machineId,
      agentPairingId: seed.agentPairingId,
      query: "mapping",
    };
    const searchBody = JSON.stringify(search);
    const call = (origin: string) => async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${origin}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${CLIENT_KEY}`, ...init.headers },
      });
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(`${origin} answered ${response.status}: ${text}`);
      }
      consume(text);
    };
    const edgeCall = call(edge);
    const passCall = call(pass);
    const searchInit: RequestInit = {
      method: "POST",
      headers: { "content-type": "application/json", "x-agent-pairing-token": seed.pairingToken },
      body: searchBody,
    };
    const floor = [
      {
        route: "GET /health (floor: no upstream call)",
        edge: async () => consume(await (await fetch(`${edge}/health`)).text()),
        direct: async () => consume(await (await fetch(`${origin}/health`)).text()),
      },
    ];
    const proxied = [
      {
        route: "GET /v1/market/services/:id",
        edge: () => edgeCall(`/v1/market/services/${SERVICE_ID}`),
        pass: () => passCall(`/v1/market/services/${SERVICE_ID}`),
        direct: async () => consume((await market.getMarketService(SERVICE_ID)).item.id),
      },
      {
        route: "POST /v1/market/search",
        edge: () => edgeCall("/v1/market/search", searchInit),
        pass: () => passCall("/v1/market/search", searchInit),
        direct: async () => consume((await market.searchMarket(search, seed.pairingToken)).item.id),
      },
    ];
    // Behind an added delay, the sandbox's /health is delayed too but the Worker's is not.
    const routes: {
      route: string;
      edge: () => Promise<unknown>;
      pass?: () => Promise<unknown>;
      direct: () => Promise<unknown>;
    }[] = withFloor ? [...floor, ...proxied] : proxied;
    const results: EdgeRoute[] = [];
    for (const { route, edge: viaEdge, pass: viaPass, direct } of routes) {
      const timed = await interleaved(
        viaPass ? { edge: viaEdge, pass: viaPass, direct } : { edge: viaEdge, direct },
        {
          calls,
          roundSize: Math.min(200, calls),
          warmup: Math.min(100, calls),
        },
      );
      const edgeRps: number[] = [];
      const directRps: number[] = [];
      for (let i = 0; i < 4; i++) {
        if (i % 2 === 0) {
          edgeRps.push(await burst(viaEdge, concurrency, burstSize / 4));
          directRps.push(await burst(direct, concurrency, burstSize / 4));
        } else {
          directRps.push(await burst(direct, concurrency, burstSize / 4));
          edgeRps.push(await burst(viaEdge, concurrency, burstSize / 4));
        }
      }
      const e = timed.edge!.samples;
      const p = timed.pass?.samples;
      const d = timed.direct!.samples;
      results.push({
        route,
        edgeP50Ms: round(median(e), 3),
        edgeP99Ms: round(quantile(e, 0.99), 3),
        passP50Ms: p && round(median(p), 3),
        passP99Ms: p && round(quantile(p, 0.99), 3),
        directP50Ms: round(median(d), 3),
        directP99Ms: round(quantile(d, 0.99), 3),
        passRatio: p && round(median(e) / median(p)),
        ratio: round(median(e) / median(d)),
        edgeRps: Math.round(median(edgeRps)),
        directRps: Math.round(median(directRps)),
        rpsRatio: round(median(directRps) / median(edgeRps)),
      });
    }
    return results;
  } finally {
    await mf.dispose();
  }
}

if (import.meta.main) {
  const figures = await measureEdge();
  for (const run of figures.runs) {
    for (const r of run.routes) {
      console.log(
        `[rate limiter ${run.rateLimiter ? "on" : "off"}, origin +${run.originDelayMs} ms] ` +
          `${r.route}: edge p50 ${r.edgeP50Ms} ms / p99 ${r.edgeP99Ms} ms, pass-through p50 ` +
          `${r.passP50Ms ?? "-"} ms (ratio ${
            r.passRatio ?? "-"
          }), direct p50 ${r.directP50Ms} ms / ` +
          `p99 ${r.directP99Ms} ms, ratio ${r.ratio}; x${figures.concurrency}: edge ${r.edgeRps} req/s, ` +
          `direct ${r.directRps} req/s (ratio ${r.rpsRatio})`,
      );
    }
  }
  emit({ edge: figures });
  // Miniflare's Node-side bridge can keep handles open after dispose; the figures are out.
  Deno.exit(0);
}
