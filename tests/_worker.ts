/**
 * The one harness of the Edge Worker tests (and of `bench/edge.ts`, `bench/load.ts`): the Worker
 * bundled with esbuild (once per module) and run in workerd through Miniflare, with its Durable
 * Object and Queues real. By default every request the Worker sends out goes through
 * {@linkcode EdgeWorker.outbound}, which records it, routes it (e.g. a provider host to a local
 * server) and forwards it over real HTTP on 127.0.0.1, so tests can assert exactly what left the
 * Worker. Options add Durable Object storage that outlives the instance (restart tests) and the
 * Worker's own console output (secrets tests). Miniflare's queue broker keeps messages in memory
 * only: a restart loses queued jobs, where Cloudflare Queues would redeliver them (Durable Object
 * alarms are persisted with the storage).
 *
 * @module
 */
import { MINIFLARE_PACKAGE } from "./deps/miniflare.ts";
import { createRequire } from "node:module";
import { Miniflare, type Request as MfRequest, Response as MfResponse } from "miniflare";

const WORKER_ENTRY = new URL("../worker/src/index.ts", import.meta.url);

// Miniflare 4 leaves two things behind after `dispose()`, which Deno's sanitizers would flag:
// the MessageChannel of its proxy bridge is never closed, and its temp directory is removed
// fire-and-forget. Track both (Miniflare reads these off the CommonJS module objects at call
// time) so `dispose` below can close the ports and await the removal.
const require = createRequire(import.meta.url);
const workerThreads = require("node:worker_threads") as {
  MessageChannel: typeof MessageChannel;
};
const nodeFs = require("node:fs") as {
  promises: { rm: (path: string, options?: unknown) => Promise<void> };
};
const openChannels = new Set<MessageChannel>();
const pendingRemovals = new Set<Promise<unknown>>();
const BaseChannel = workerThreads.MessageChannel;
workerThreads.MessageChannel = class TrackedChannel extends BaseChannel {
  constructor() {
    super();
    openChannels.add(this);
  }
};
const baseRm = nodeFs.promises.rm.bind(nodeFs.promises);
nodeFs.promises.rm = (path, options) => {
  const removal = baseRm(path, options);
  pendingRemovals.add(removal.catch(() => undefined));
  return removal;
};

// Miniflare talks to workerd through undici, whose connect timeouts share one coarse timer that
// outlives the connections by up to a second; its own `reset()` (meant for tests) stops it.
const undiciTimers = createRequire(import.meta.resolve(MINIFLARE_PACKAGE))(
  "undici/lib/util/timers.js",
) as { reset(): void };

/** Disposes a Miniflare instance started outside {@linkcode startWorker}, leaving nothing open. */
export async function disposeMiniflare(mf: Miniflare): Promise<void> {
  await mf.dispose();
  await settleMiniflareLeftovers();
}

async function settleMiniflareLeftovers(): Promise<void> {
  undiciTimers.reset();
  for (const channel of openChannels) {
    channel.port1.close();
    channel.port2.close();
  }
  openChannels.clear();
  await Promise.all(pendingRemovals);
  pendingRemovals.clear();
}

/**
 * Bundles a Worker entry as the tests run it (one ES module, `cloudflare:*` left to workerd).
 * esbuild runs as a CLI subprocess that has fully exited before any test starts.
 */
export async function bundleWorker(entry: URL = WORKER_ENTRY): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "npm:esbuild@0.27.3",
      entry.pathname,
      "--bundle",
      "--format=esm",
      "--platform=neutral",
      "--target=es2022",
      "--main-fields=module,main",
      "--conditions=workerd,worker,import",
      "--external:cloudflare:*",
      // One zod for the Worker and `contract/` (which resolves it from the repository root),
      // as wrangler.jsonc's `alias` does for the deployed bundle.
      "--alias:zod=./node_modules/zod",
      "--log-level=error",
    ],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `Worker bundle failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

/** The Worker bundle, built once per test module (top-level, outside any test's sanitizers). */
export const WORKER_BUNDLE: string = await bundleWorker();

/** An edge client key the test Worker accepts, and a second one for rate-limit isolation. */
export const CLIENT_KEY = "edge_test_key_0123456789";
export const OTHER_CLIENT_KEY = "edge_test_key_other_98765";
/** A Standard Webhooks secret for the test subscription. */
export const WEBHOOK_SECRET = "whsec_" +
  btoa("edge-worker-test-secret-32-bytes");
/** A 32-byte AES key, base64. */
export const SESSION_KEY = btoa(
  String.fromCharCode(...new Uint8Array(32).map((_, i) => i + 1)),
);

/** Lowercase hex SHA-256 of a string (an edge key's hash for `EDGE_CLIENT_KEYS`). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/**
 * Miniflare options every Worker instance shares: the bundle, the `Ledger` Durable Object and
 * the queue producers (the benchmarks start Miniflare with these directly).
 */
export const WORKER_MINIFLARE = {
  modules: true,
  script: WORKER_BUNDLE,
  scriptPath: "index.js",
  compatibilityDate: "2026-04-01",
  host: "127.0.0.1",
  durableObjects: { LEDGER: { className: "Ledger", useSQLite: true } },
  queueProducers: {
    HANDOFF_QUEUE: { queueName: "peaqos-handoffs" },
    HANDOFF_DLQ: { queueName: "peaqos-handoffs-dlq" },
  },
} as const;

/** One request that left the Worker. */
export type OutboundRecord = {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
};

/** Decides where an outbound request really goes; `undefined` forwards it unchanged. */
export type OutboundRoute = (url: URL) => string | undefined;

/** Rewrites an upstream response body before the Worker sees it (to simulate a bad upstream). */
export type ResponseRewrite = (url: URL, body: string) => string;

/** Options of {@linkcode startWorker}. */
export type WorkerOptions = {
  readonly vars?: Readonly<Record<string, string>>;
  /** Maps outbound URLs to real 127.0.0.1 targets (e.g. a provider host to a local server). */
  readonly route?: OutboundRoute;
  readonly rewrite?: ResponseRewrite;
  /** Headers added to the upstream responses the Worker gets (to simulate a chatty upstream). */
  readonly addHeaders?: (url: URL) => Readonly<Record<string, string>> | undefined;
  /** Let the Worker's fetch go straight out (no recording, no routing). */
  readonly direct?: boolean;
  /** Keep {@linkcode EdgeWorker.outbound} empty (long load runs); routing still applies. */
  readonly record?: boolean;
  /** Port for the Worker's HTTP server; default any free one. */
  readonly port?: number;
  /** Durable Object storage (alarms included) that outlives the instance; default in memory. */
  readonly storageDir?: string;
  /** Receives everything the Worker writes to stdout and stderr (its console). */
  readonly onOutput?: (text: string) => void;
  /** Receives every response the Worker's outbound fetches got, as text. */
  readonly onOutbound?: (url: string, status: number, body: string) => void;
};

/** A running Worker; dispose with `await using` or `stop()` (storage directories are kept). */
export type EdgeWorker = {
  readonly url: string;
  readonly outbound: OutboundRecord[];
  /** Sends a request to the Worker (through its real HTTP listener). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Sends a request with the edge client key. */
  authed(path: string, init?: RequestInit, key?: string): Promise<Response>;
  /** The Worker's record of an order (`GET /v1/edge/orders/:orderId`) for `key`'s tenant. */
  orderRecord(orderId: string, key?: string): Promise<OrderRecordView>;
  /** The status of `GET /v1/edge/orders/:orderId` for `key`'s tenant (404: no record). */
  recordStatus(orderId: string, key?: string): Promise<number>;
  /** Stores a pairing session for `key`'s tenant (`PUT /v1/sessions/:agentPairingId`). */
  storeSession(
    agentPairingId: string,
    pairingToken: string,
    key?: string,
  ): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** What the Worker recorded for an order. */
export type OrderRecordView = {
  readonly events: readonly {
    webhookId: string;
    type: string;
    status: string | null;
  }[];
  readonly handoff: {
    state: string;
    attempts: number;
    statusCode: number | null;
    detail: string | null;
  } | null;
  readonly deadLetters: readonly { reason: string; at: number }[];
  /** MCP tool calls made on the order (`mcp.tool_call`). */
  readonly toolCalls: readonly {
    type: string;
    tool: string;
    outcome: string;
    detail: string | null;
    at: number;
  }[];
};

/** Starts the Worker in workerd. */
export async function startWorker(
  options: WorkerOptions = {},
): Promise<EdgeWorker> {
  const outbound: OutboundRecord[] = [];
  const bindings: Record<string, string> = {
    PEAQOS_ORCHESTRATION_URL: "http://127.0.0.1:9",
    PEAQOS_API_KEY: "sk_unused",
    PEAQOS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    EDGE_CLIENT_KEYS: `test=${await sha256Hex(
      CLIENT_KEY,
    )},other=${await sha256Hex(
      OTHER_CLIENT_KEY,
    )}`,
    SESSION_ENCRYPTION_KEY: SESSION_KEY,
    HANDOFF_ALLOWED_HOSTS: "",
    HANDOFF_ALLOW_LOOPBACK_HTTP: "false",
    HANDOFF_TIMEOUT_MS: "3000",
    HANDOFF_MAX_ATTEMPTS: "2",
    HANDOFF_RETRY_BASE_SECONDS: "0",
    RATE_LIMIT_PER_MINUTE: "1000",
    ...options.vars,
  };
  const onOutput = options.onOutput;
  const mf = new Miniflare({
    ...WORKER_MINIFLARE,
    port: options.port ?? 0,
    bindings,
    ...(options.storageDir ? { durableObjectsPersist: options.storageDir } : {}),
    ...(onOutput
      ? {
        handleRuntimeStdio: (
          stdout: NodeJS.ReadableStream,
          stderr: NodeJS.ReadableStream,
        ) => {
          const decoder = new TextDecoder();
          const take = (chunk: Uint8Array | string) =>
            onOutput(typeof chunk === "string" ? chunk : decoder.decode(chunk));
          stdout.on("data", take);
          stderr.on("data", take);
        },
      }
      : {}),
    queueConsumers: {
      "peaqos-handoffs": {
        maxBatchSize: 10,
        maxBatchTimeout: 0,
        maxRetries: 4,
        deadLetterQueue: "peaqos-handoffs-dlq",
      },
      // As deployed: dead jobs are noted on their order by the Worker's DLQ consumer.
      "peaqos-handoffs-dlq": {
        maxBatchSize: 10,
        maxBatchTimeout: 0,
        maxRetries: 3,
      },
    },
    outboundService: options.direct ? undefined : async (request: MfRequest) => {
      const body = request.method === "GET" || request.method === "HEAD"
        ? ""
        : await request.text();
      const headers: Record<string, string> = {};
      request.headers.forEach((
        value: string,
        name: string,
      ) => (headers[name] = value));
      if (options.record !== false) {
        outbound.push({
          method: request.method,
          url: request.url,
          headers,
          body,
        });
      }
      const url = new URL(request.url);
      const target = options.route?.(url) ?? request.url;
      try {
        const response = await fetch(target, {
          method: request.method,
          headers,
          body: body === "" ? null : body,
          redirect: "manual",
        });
        let text = await response.text();
        options.onOutbound?.(request.url, response.status, text);
        if (options.rewrite) text = options.rewrite(url, text);
        return new MfResponse(response.status === 204 ? null : text, {
          status: response.status,
          // The body may have been rewritten: let the length be recomputed.
          headers: {
            ...Object.fromEntries(
              [...response.headers].filter(([name]) => name !== "content-length"),
            ),
            ...options.addHeaders?.(url),
          },
        });
      } catch {
        return new MfResponse("upstream unreachable", { status: 502 });
      }
    },
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose();
    await settleMiniflareLeftovers();
    throw err;
  }
  const origin = url.origin;
  const send = (path: string, init?: RequestInit) => fetch(`${origin}${path}`, init);
  const authed = (path: string, init: RequestInit = {}, key = CLIENT_KEY) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${key}`);
    return send(path, { ...init, headers });
  };
  let disposed: Promise<void> | undefined;
  const stop = () => (disposed ??= mf.dispose().then(settleMiniflareLeftovers));
  return {
    url: origin,
    outbound,
    fetch: send,
    authed,
    async orderRecord(orderId, key) {
      const response = await authed(
        `/v1/edge/orders/${encodeURIComponent(orderId)}`,
        {},
        key,
      );
      const body = await json(response);
      if (response.status !== 200) {
        throw new Error(`orderRecord: ${JSON.stringify(body)}`);
      }
      return body.item as OrderRecordView;
    },
    async recordStatus(orderId, key) {
      const response = await authed(
        `/v1/edge/orders/${encodeURIComponent(orderId)}`,
        {},
        key,
      );
      await response.body?.cancel();
      return response.status;
    },
    async storeSession(agentPairingId, pairingToken, key) {
      const response = await authed(
        `/v1/sessions/${encodeURIComponent(agentPairingId)}`,
        {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ pairingToken }),
        },
        key,
      );
      const body = await json(response);
      if (response.status !== 200) {
        throw new Error(`storeSession: ${JSON.stringify(body)}`);
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * A token shaped like a pairing token (a JWT whose payload names `pairingId`), unsigned: the
 * Worker reads the claims without verifying them, the API would refuse it.
 */
export function fakePairingToken(
  pairingId: string,
  claims: Record<string, unknown> = {},
): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(
      /\//g,
      "_",
    );
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ pairingId, exp, ...claims })}.forged`;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Polls `check` every 50 ms until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Reads a JSON response body (always consuming it). */
export async function json(
  response: Response,
): Promise<Record<string, unknown>> {
  const text = await response.text();
  return text ? JSON.parse(text) : {};
}
