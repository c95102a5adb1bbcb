/**
 * The Edge Worker in workerd (Miniflare) for the hardening tests, with what `_worker.ts` does
 * not offer: a Durable Object storage directory that survives `stop()` (restart tests), and the
 * Worker's own console output and upstream answers (secrets tests). Same bundle and bindings
 * as `_worker.ts`. Note that Miniflare's queue broker keeps messages in memory only: a restart
 * loses queued jobs, where Cloudflare Queues would redeliver them.
 *
 * @module
 */
import { createRequire } from "node:module";
import { Miniflare, type Request as MfRequest, Response as MfResponse } from "miniflare";
import { CLIENT_KEY, SESSION_KEY, WEBHOOK_SECRET, WORKER_BUNDLE } from "./_worker.ts";

// Miniflare leaves MessageChannel ports open and removes its temp dir fire-and-forget after
// dispose(); track both, as `_worker.ts` does for its own instances, so sanitizers stay on.
const require = createRequire(import.meta.url);
const workerThreads = require("node:worker_threads") as { MessageChannel: typeof MessageChannel };
const nodeFs = require("node:fs") as {
  promises: { rm: (path: string, options?: unknown) => Promise<void> };
};
const channels = new Set<MessageChannel>();
const removals = new Set<Promise<unknown>>();
const Base = workerThreads.MessageChannel;
workerThreads.MessageChannel = class RestartTrackedChannel extends Base {
  constructor() {
    super();
    channels.add(this);
  }
};
const baseRm = nodeFs.promises.rm.bind(nodeFs.promises);
nodeFs.promises.rm = (path, options) => {
  const removal = baseRm(path, options);
  removals.add(removal.catch(() => undefined));
  return removal;
};

async function settle(): Promise<void> {
  for (const channel of channels) {
    channel.port1.close();
    channel.port2.close();
  }
  channels.clear();
  await Promise.all(removals);
  removals.clear();
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A running instance; `stop()` disposes it, leaving any storage directory in place. */
export type EdgeInstance = {
  readonly url: string;
  /** Sends a request with the edge client key. */
  authed(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
};

/** Options of {@linkcode startEdge}. */
export type EdgeOptions = {
  /** Port of the Worker's HTTP listener; default any free one. */
  readonly port?: number;
  /** Durable Object storage that outlives the instance; default in memory. */
  readonly storageDir?: string;
  readonly vars: Readonly<Record<string, string>>;
  /** Where an outbound request really goes; `undefined` sends it to its own URL. */
  readonly route: (url: URL) => string | undefined;
  /** Receives everything the Worker writes to stdout and stderr (its console). */
  readonly onOutput?: (text: string) => void;
  /** Receives every response the Worker's outbound fetches got, as text. */
  readonly onOutbound?: (url: string, status: number, body: string) => void;
};

/** Starts the Worker. */
export async function startEdge(options: EdgeOptions): Promise<EdgeInstance> {
  const mf = new Miniflare({
    modules: true,
    script: WORKER_BUNDLE,
    scriptPath: "index.js",
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    port: options.port ?? 0,
    bindings: {
      PEAQOS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      EDGE_CLIENT_KEYS: `test=${await sha256Hex(CLIENT_KEY)}`,
      SESSION_ENCRYPTION_KEY: SESSION_KEY,
      HANDOFF_ALLOW_LOOPBACK_HTTP: "false",
      HANDOFF_TIMEOUT_MS: "3000",
      HANDOFF_MAX_ATTEMPTS: "3",
      HANDOFF_RETRY_BASE_SECONDS: "0",
      RATE_LIMIT_PER_MINUTE: "1000",
      ...options.vars,
    },
    durableObjects: { LEDGER: { className: "Ledger", useSQLite: true } },
    ...(options.storageDir ? { durableObjectsPersist: options.storageDir } : {}),
    ...(options.onOutput
      ? {
        handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
          const decoder = new TextDecoder();
          const take = (chunk: Uint8Array | string) =>
            options.onOutput!(typeof chunk === "string" ? chunk : decoder.decode(chunk));
          stdout.on("data", take);
          stderr.on("data", take);
        },
      }
      : {}),
    queueProducers: {
      HANDOFF_QUEUE: { queueName: "peaqos-handoffs" },
      HANDOFF_DLQ: { queueName: "peaqos-handoffs-dlq" },
    },
    queueConsumers: {
      "peaqos-handoffs": {
        maxBatchSize: 10,
        maxBatchTimeout: 0,
        maxRetries: 4,
        deadLetterQueue: "peaqos-handoffs-dlq",
      },
      // As deployed: dead jobs are noted on their order by the Worker's DLQ consumer.
      "peaqos-handoffs-dlq": { maxBatchSize: 10, maxBatchTimeout: 0, maxRetries: 3 },
    },
    outboundService: async (request: MfRequest) => {
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD"
        ? undefined
        : await request.text();
      const headers: Record<string, string> = {};
      request.headers.forEach((value: string, name: string) => (headers[name] = value));
      try {
        const response = await fetch(options.route(url) ?? request.url, {
          method: request.method,
          headers,
          ...(body === undefined ? {} : { body }),
          redirect: "manual",
        });
        const text = await response.text();
        options.onOutbound?.(request.url, response.status, text);
        return new MfResponse(response.status === 204 ? null : text, {
          status: response.status,
          headers: Object.fromEntries(
            [...response.headers].filter(([name]) => name !== "content-length"),
          ),
        });
      } catch {
        return new MfResponse("upstream unreachable", { status: 502 });
      }
    },
  });
  let origin: string;
  try {
    origin = (await mf.ready).origin;
  } catch (err) {
    await mf.dispose();
    await settle();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: origin,
    authed(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${CLIENT_KEY}`);
      return fetch(`${origin}${path}`, { ...init, headers });
    },
    stop: () => (stopped ??= mf.dispose().then(settle)),
  };
}
