/**
 * Benchmark 5, sandbox throughput: requests/s for `GET /machines/:id` and `POST /market/search`
 * with 1, 8 and 64 concurrent clients over loopback, against the sandbox (seeded, in a child
 * process) and, as the baseline, a bare `Deno.serve` answering fixed JSON on the same paths
 * (another child). Each cell alternates short slices between the two servers; every slice is
 * bounded in requests (`--requests`, default 2000 per server and cell) and time (`--seconds`,
 * default 2 per server and cell). The load generator is raw `fetch`, so the figures are the
 * servers', not the SDK's.
 *
 * @module
 */
import { consume, emit, quantile, round, setting, startChild } from "./_lib.ts";

const SLICES = 4;

type Seed = {
  readonly apiKey: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly pairingToken: string;
};

type Target = { readonly url: string; readonly init: RequestInit };

export type SandboxCell = {
  readonly route: string;
  readonly concurrency: number;
  readonly sandboxRps: number;
  readonly bareRps: number;
  /** Sandbox requests/s ÷ bare-server requests/s. */
  readonly ratio: number;
  readonly sandboxP50Ms: number;
  readonly sandboxP99Ms: number;
  readonly sandboxRequests: number;
  readonly errors: number;
};

export type SandboxResult = {
  readonly requestsBound: number;
  readonly secondsBound: number;
  readonly cells: readonly SandboxCell[];
};

/** Runs up to `count` requests with `concurrency` workers, stopping early at `deadline`. */
async function slice(
  target: Target,
  concurrency: number,
  count: number,
  deadline: number,
): Promise<{ requests: number; ms: number; latencies: number[]; errors: number }> {
  let issued = 0;
  let errors = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    while (issued < count && performance.now() < deadline) {
      issued++;
      const sent = performance.now();
      const response = await fetch(target.url, target.init);
      consume(await response.text());
      if (!response.ok) errors++;
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: latencies.length, ms: performance.now() - started, latencies, errors };
}

/** Measures every route × concurrency cell against a fresh sandbox and bare server. */
export async function measureSandbox(): Promise<SandboxResult> {
  const requests = setting("requests", 2_000);
  const seconds = setting("seconds", 2);
  const sandbox = await startChild(new URL("./_sandbox_server.ts", import.meta.url).pathname);
  const bare = await startChild(new URL("./_server.ts", import.meta.url).pathname, ["bare"]);
  try {
    const seed = sandbox.meta as Seed;
    const searchBody = JSON.stringify({
      machineId: seed.machineId,
      agentPairingId: seed.agentPairingId,
      query: "mapping",
    });
    const routes = [
      {
        route: "GET /machines/:id",
        target: (origin: string): Target => ({
          url: `${origin}/api/v1/machines/${seed.machineId}`,
          init: { headers: { accept: "application/json", "x-api-key": seed.apiKey } },
        }),
      },
      {
        route: "POST /market/search",
        target: (origin: string): Target => ({
          url: `${origin}/api/v1/market/search`,
          init: {
            method: "POST",
            headers: {
              accept: "application/json",
              "content-type": "application/json",
              "x-agent-pairing-token": seed.pairingToken,
            },
            body: searchBody,
          },
        }),
      },
    ];
    const cells: SandboxCell[] = [];
    for (const { route, target } of routes) {
      for (const concurrency of [1, 8, 64]) {
        const sandboxTarget = target(sandbox.url);
        const bareTarget = target(bare.url);
        // Warm both servers and the connection pool for this concurrency.
        await slice(sandboxTarget, concurrency, concurrency * 4, Infinity);
        await slice(bareTarget, concurrency, concurrency * 4, Infinity);
        const totals = {
          sandbox: { requests: 0, ms: 0, latencies: [] as number[], errors: 0 },
          bare: { requests: 0, ms: 0, latencies: [] as number[], errors: 0 },
        };
        for (let i = 0; i < SLICES; i++) {
          const order = i % 2 === 0 ? ["sandbox", "bare"] as const : ["bare", "sandbox"] as const;
          for (const name of order) {
            const result = await slice(
              name === "sandbox" ? sandboxTarget : bareTarget,
              concurrency,
              Math.ceil(requests / SLICES),
              performance.now() + (seconds * 1000) / SLICES,
            );
            const total = totals[name];
            total.requests += result.requests;
            total.ms += result.ms;
            total.latencies.push(...result.latencies);
            total.errors += result.errors;
          }
        }
        const sandboxRps = totals.sandbox.requests / (totals.sandbox.ms / 1000);
        const bareRps = totals.bare.requests / (totals.bare.ms / 1000);
        cells.push({
          route,
          concurrency,
          sandboxRps: Math.round(sandboxRps),
          bareRps: Math.round(bareRps),
          ratio: round(sandboxRps / bareRps),
          sandboxP50Ms: round(quantile(totals.sandbox.latencies, 0.5), 2),
          sandboxP99Ms: round(quantile(totals.sandbox.latencies, 0.99), 2),
          sandboxRequests: totals.sandbox.requests,
          errors: totals.sandbox.errors + totals.bare.errors,
        });
      }
    }
    return { requestsBound: requests, secondsBound: seconds, cells };
  } finally {
    await Promise.all([sandbox.close(), bare.close()]);
  }
}

if (import.meta.main) {
  const figures = await measureSandbox();
  for (const cell of figures.cells) {
    console.log(
      `${cell.route} x${cell.concurrency}: sandbox ${cell.sandboxRps} req/s ` +
        `(p50 ${cell.sandboxP50Ms} ms, p99 ${cell.sandboxP99Ms} ms), bare ${cell.bareRps} req/s, ` +
        `ratio ${cell.ratio}, errors ${cell.errors}`,
    );
  }
  emit({ sandbox: figures });
}
