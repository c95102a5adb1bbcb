/**
 * `deno task bench:load`: bounded mixed load on loopback, first against the sandbox, then against
 * the Edge Worker (workerd through Miniflare) in front of a sandbox, with exact event
 * accounting. Stops by itself: each phase runs `--seconds` (60) or `--max-requests` (1,000,000),
 * whichever comes first, with `--concurrency` (16) client loops, then drains webhooks for at
 * most `--drain-seconds` (30).
 *
 * - Sandbox phase: platform reads, agent searches, and order flows (create, execute, confirm)
 *   over HTTP; the sandbox's signed webhooks go to a local receiver that verifies each one.
 *   Accounting: every event the sandbox emitted (its `emit` hook is wrapped) must reach the
 *   receiver under exactly one webhook id: none lost, none doubled (redeliveries of the same id
 *   are counted apart; they are at-least-once by design and deduplicated by id).
 * - Worker phase: proxied reads, searches and order flows through `/v1/market/...`, synthetic
 *   signed webhook deliveries with duplicates (30% sent again 1-3 times, concurrently; a 409
 *   is retried by the sender as Standard Webhooks senders do), external handoffs run by the
 *   Worker's queue against a local provider, and the sandbox's own webhooks to the Worker.
 *   Accounting: every accepted synthetic webhook id and every sandbox-emitted event appears
 *   exactly once in the Worker's order record; every handoff calls the provider once and
 *   confirms its order once.
 *
 * Reports requests/s, p50/p99 latency, 4xx/5xx counts and the accounting; `--write` puts the
 * figures into the `## Reliability` section of `BENCHMARKS.md` (between
 * `<!-- reliability:start -->` and `<!-- reliability:end -->`), leaving the rest of the file alone.
 *
 * Loopback only: every server listens on 127.0.0.1, and nothing else is contacted.
 *
 * @module
 */
import { PeaqosClient, signWebhookHeaders, verifyWebhook } from "../mod.ts";
import { startSandbox } from "../sandbox/mod.ts";
import type { RunningSandbox, SandboxEvent } from "../sandbox/mod.ts";
import { pairAgent, verifiedMachine } from "../tests/_sandbox_platform.ts";
import { CLIENT_KEY, freePort, startWorker, WEBHOOK_SECRET } from "../tests/_worker.ts";

// ---- Settings ----

function flag(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  const text = arg?.slice(name.length + 3) ??
    Deno.env.get(`LOAD_${name.toUpperCase().replaceAll("-", "_")}`);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Invalid '--${name}': must be a positive number: received '${text}'`);
  }
  return value;
}

const SECONDS = flag("seconds", 60);
const CONCURRENCY = Math.round(flag("concurrency", 16));
const MAX_REQUESTS = Math.round(flag("max-requests", 1_000_000));
const DRAIN_SECONDS = flag("drain-seconds", 30);
const WRITE = Deno.args.includes("--write");
const PROVIDER_HOST = "manualhub.example";

// ---- Measurement ----

class Stats {
  readonly latencies: number[] = [];
  readonly byStatus = new Map<number, number>();
  readonly byOp = new Map<string, number[]>();
  networkErrors = 0;
  started = 0;
  ended = 0;

  record(op: string, ms: number, status: number): void {
    this.latencies.push(ms);
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    const list = this.byOp.get(op) ?? [];
    list.push(ms);
    this.byOp.set(op, list);
  }

  count(from: number, to: number): number {
    let n = 0;
    for (const [status, count] of this.byStatus) if (status >= from && status < to) n += count;
    return n;
  }

  get requests(): number {
    return this.latencies.length + this.networkErrors;
  }
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** One measured HTTP request; the body is always read. */
async function timed(
  stats: Stats,
  op: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const started = performance.now();
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    stats.record(op, performance.now() - started, response.status);
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  } catch {
    stats.networkErrors++;
    return { status: 0, body: null };
  }
}

/**
 * One order flow (create → execute → confirm) against `ordersUrl`, timed under `label`; returns
 * whether the order ended confirmed. Created order ids are pushed to `orders`.
 */
async function orderFlow(
  stats: Stats,
  label: string,
  ordersUrl: string,
  headers: HeadersInit,
  order: Record<string, unknown>,
  orders: string[],
): Promise<boolean> {
  const post = (body: string): RequestInit => ({ method: "POST", headers, body });
  const created = await timed(stats, `POST ${label}`, ordersUrl, post(JSON.stringify(order)));
  const id = (created.body as { item?: { id?: string } } | null)?.item?.id;
  if (created.status !== 201 || !id) return false;
  orders.push(id);
  const run = await timed(
    stats,
    `POST ${label}/:id/execute`,
    `${ordersUrl}/${id}/execute`,
    post("{}"),
  );
  if (run.status !== 200) return false;
  const done = await timed(
    stats,
    `POST ${label}/:id/confirm`,
    `${ordersUrl}/${id}/confirm`,
    post("{}"),
  );
  return done.status === 200;
}

/** Runs `CONCURRENCY` loops of `step` until the deadline or the request cap. */
async function drive(stats: Stats, step: () => Promise<void>): Promise<void> {
  const deadline = performance.now() + SECONDS * 1000;
  stats.started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline && stats.requests < MAX_REQUESTS) await step();
  }));
  stats.ended = performance.now();
}

function pick<T>(weighted: readonly (readonly [number, T])[]): T {
  const total = weighted.reduce((sum, [w]) => sum + w, 0);
  let roll = Math.random() * total;
  for (const [w, value] of weighted) {
    roll -= w;
    if (roll < 0) return value;
  }
  return weighted.at(-1)![1];
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + DRAIN_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.error(`load: gave up waiting for ${what} after ${DRAIN_SECONDS} s`);
  return false;
}

/** A multiset difference: how many of each key `a` has beyond `b`. */
function excess(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const key of a) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const key of b) counts.set(key, (counts.get(key) ?? 0) - 1);
  let n = 0;
  for (const value of counts.values()) if (value > 0) n += value;
  return n;
}

/** Wraps the sandbox's event hook so every emitted event is counted. */
function tapEvents(sandbox: RunningSandbox): SandboxEvent[] {
  const emitted: SandboxEvent[] = [];
  const ctx = sandbox.context;
  const original = ctx.emit;
  ctx.emit = (event) => {
    emitted.push(event);
    original(event);
  };
  return emitted;
}

type EventData = {
  order?: { id?: string; status?: string };
  payment?: { id?: string; orderId?: string; status?: string } | null;
};

function eventKey(type: string, data: EventData): string {
  return [
    type,
    data.order?.id ?? data.payment?.orderId ?? "",
    data.payment?.id ?? "",
    data.order?.status ?? "",
    data.payment?.status ?? "",
  ].join("|");
}

async function serve(handler: (request: Request) => Promise<Response>) {
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (addr) => resolve(addr as Deno.NetAddr) },
    handler,
  );
  const { port } = await promise;
  return { url: `http://127.0.0.1:${port}`, close: () => server.shutdown() };
}

type Phase = {
  readonly name: string;
  readonly stats: Stats;
  readonly accounting: Record<string, number | string>;
};

// ---- Phase 1: the sandbox ----

async function sandboxPhase(): Promise<Phase> {
  const received = new Map<string, { key: string; count: number }>();
  let refused = 0;
  const receiver = await serve(async (request) => {
    const text = await request.text();
    try {
      const { id, event } = await verifyWebhook(text, request.headers, WEBHOOK_SECRET);
      const seen = received.get(id);
      if (seen) seen.count++;
      else received.set(id, { key: eventKey(event.type, event.data as EventData), count: 1 });
      return new Response(null, { status: 204 });
    } catch {
      refused++;
      return new Response(null, { status: 400 });
    }
  });
  const sandbox = await startSandbox({
    webhooks: [{ url: `${receiver.url}/hook`, secret: WEBHOOK_SECRET }],
    webhookRetryDelayMs: 100,
  });
  const emitted = tapEvents(sandbox);
  const api =
    new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey }).orchestration;
  const { machine } = await verifiedMachine(api);
  const { pairing } = await pairAgent(api, machine.id);
  const base = `${sandbox.url}/api/v1`;
  const platform = { "x-api-key": sandbox.apiKey };
  const agent = {
    "x-agent-pairing-token": pairing.pairingToken,
    "content-type": "application/json",
  };
  const ids = { machineId: machine.id, agentPairingId: pairing.id };
  const orders: string[] = [];
  const stats = new Stats();
  let flows = 0;

  type Op = () => Promise<void>;
  const ops: readonly (readonly [number, Op])[] = [
    [
      20,
      async () =>
        void await timed(stats, "GET /machines", `${base}/machines?limit=20`, {
          headers: platform,
        }),
    ],
    [
      15,
      async () =>
        void await timed(stats, "GET /market/services", `${base}/market/services?limit=20`, {
          headers: platform,
        }),
    ],
    [15, async () => {
      const id = orders[Math.floor(Math.random() * orders.length)];
      if (id) {
        await timed(stats, "GET /market/orders/:id", `${base}/market/orders/${id}`, {
          headers: platform,
        });
      }
    }],
    [15, async () =>
      void await timed(stats, "POST /market/search", `${base}/market/search`, {
        method: "POST",
        headers: agent,
        body: JSON.stringify({ ...ids, query: "echo" }),
      })],
    [35, async () => {
      const order = { ...ids, serviceId: "svc_sim_echo", input: { message: "load" } };
      if (await orderFlow(stats, "/market/orders", `${base}/market/orders`, agent, order, orders)) {
        flows++;
      }
    }],
  ];
  await drive(stats, () => pick(ops)());

  const uniqueReceived = () => [...received.values()].map((r) => r.key);
  await until("the sandbox's webhooks to drain", () => received.size >= emitted.length);
  const emittedKeys = emitted.map((e) => eventKey(e.type, e.data as EventData));
  const accounting = {
    "order flows completed": flows,
    "events emitted": emitted.length,
    "webhook ids received": received.size,
    "redeliveries of an id": [...received.values()].reduce((sum, r) => sum + r.count - 1, 0),
    "lost": excess(emittedKeys, uniqueReceived()),
    "doubled": excess(uniqueReceived(), emittedKeys),
    "refused by the receiver": refused,
  };
  await sandbox.close();
  await receiver.close();
  return { name: "sandbox", stats, accounting };
}

// ---- Phase 2: the Edge Worker ----

async function workerPhase(): Promise<Phase> {
  const providerCalls = new Map<string, number>();
  const provider = await serve(async (request) => {
    await request.text();
    const key = request.headers.get("idempotency-key") ?? "";
    providerCalls.set(key, (providerCalls.get(key) ?? 0) + 1);
    return Response.json({ accepted: true });
  });
  const port = freePort();
  const sandbox = await startSandbox({
    webhooks: [{ url: `http://127.0.0.1:${port}/webhooks/orchestration`, secret: WEBHOOK_SECRET }],
    webhookRetryDelayMs: 100,
  });
  const emitted = tapEvents(sandbox);
  // The Worker's own console: counted, not echoed (workerd logs a line per client that hangs
  // up before its response is written, which is noise under load).
  const workerLog = { lines: 0, disconnects: 0, other: [] as string[] };
  const worker = await startWorker({
    port,
    record: false,
    onOutput: (text) => {
      for (const line of text.split("\n").filter((l) => l.trim() && !l.startsWith("stack:"))) {
        workerLog.lines++;
        if (line.includes("disconnected")) workerLog.disconnects++;
        else if (workerLog.other.length < 5) workerLog.other.push(line.slice(0, 200));
      }
    },
    route: (url) => (url.hostname === PROVIDER_HOST ? `${provider.url}${url.pathname}` : undefined),
    vars: {
      PEAQOS_ORCHESTRATION_URL: sandbox.url,
      PEAQOS_API_KEY: sandbox.apiKey,
      HANDOFF_ALLOWED_HOSTS: PROVIDER_HOST,
      RATE_LIMIT_PER_MINUTE: "1000000000",
    },
  });
  const api =
    new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey }).orchestration;
  const { machine } = await verifiedMachine(api);
  const { pairing } = await pairAgent(api, machine.id);
  const ids = { machineId: machine.id, agentPairingId: pairing.id };
  const stats = new Stats();
  const auth = { authorization: `Bearer ${CLIENT_KEY}` };
  const jsonAuth = { ...auth, "content-type": "application/json" };
  const edge = `${worker.url}/v1/market`;
  const stored = await worker.authed(`/v1/sessions/${pairing.id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: pairing.pairingToken }),
  });
  await stored.text();
  if (stored.status !== 200) throw new Error(`Storing the session failed: ${stored.status}`);

  const orders: string[] = [];
  const handoffs: string[] = [];
  const synthetic = new Map<string, string>(); // webhook id → order id, once accepted
  let syntheticSeq = 0;
  let duplicatesSent = 0;
  let flows = 0;

  /** Sends one signed delivery; retries 409 (in flight elsewhere) like a real sender. */
  const deliver = async (body: string, headers: Record<string, string>) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const answer = await timed(
        stats,
        "POST /webhooks/orchestration",
        `${worker.url}/webhooks/orchestration`,
        {
          method: "POST",
          headers,
          body,
        },
      );
      if (answer.status !== 409) return answer.status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return 409;
  };

  type Op = () => Promise<void>;
  const ops: readonly (readonly [number, Op])[] = [
    [
      15,
      async () =>
        void await timed(stats, "GET /v1/market/services", `${edge}/services?limit=20`, {
          headers: auth,
        }),
    ],
    [10, async () => {
      const id = orders[Math.floor(Math.random() * orders.length)];
      if (id) {
        await timed(stats, "GET /v1/market/orders/:id", `${edge}/orders/${id}`, { headers: auth });
      }
    }],
    [10, async () =>
      void await timed(stats, "POST /v1/market/search", `${edge}/search`, {
        method: "POST",
        headers: { ...jsonAuth, "x-agent-pairing-token": pairing.pairingToken },
        body: JSON.stringify({ ...ids, query: "echo" }),
      })],
    [25, async () => {
      const orderId = `ord_syn_${Math.floor(Math.random() * 200)}`;
      const webhookId = `msg_syn_${++syntheticSeq}`;
      const body = JSON.stringify({
        type: pick([[1, "order.created"], [1, "order.delivered"], [1, "order.confirmed"]] as const),
        timestamp: new Date().toISOString(),
        data: { order: { id: orderId, status: "created" } },
      });
      const headers = {
        ...await signWebhookHeaders({ body, id: webhookId }, WEBHOOK_SECRET),
        "content-type": "application/json",
      };
      const copies = Math.random() < 0.3 ? 1 + Math.floor(Math.random() * 3) : 0;
      duplicatesSent += copies;
      const statuses = await Promise.all(
        Array.from({ length: 1 + copies }, () => deliver(body, headers)),
      );
      if (statuses.some((s) => s === 200)) synthetic.set(webhookId, orderId);
    }],
    [36, async () => {
      const order = { ...ids, serviceId: "svc_sim_echo", input: { message: "load" } };
      if (await orderFlow(stats, "/v1/market/orders", `${edge}/orders`, jsonAuth, order, orders)) {
        flows++;
      }
    }],
    [4, async () => {
      const created = await timed(stats, "POST /v1/market/orders (handoff)", `${edge}/orders`, {
        method: "POST",
        headers: jsonAuth,
        body: JSON.stringify({ ...ids, serviceId: "svc_manual_handoff", input: { topic: "load" } }),
      });
      const id = (created.body as { item?: { id?: string } } | null)?.item?.id;
      if (created.status !== 201 || !id) return;
      const run = await timed(
        stats,
        "POST /v1/market/orders/:id/execute (handoff)",
        `${edge}/orders/${id}/execute`,
        {
          method: "POST",
          headers: jsonAuth,
          body: "{}",
        },
      );
      if (run.status === 202) handoffs.push(id);
    }],
  ];
  await drive(stats, () => pick(ops)());

  // Drain: handoffs confirmed, the sandbox's webhooks delivered (its dispatcher retries).
  const status = async (id: string) => (await api.getMarketOrder(id)).item.status;
  await until("the handoffs to be confirmed", async () => {
    for (const id of handoffs) if (await status(id) !== "confirmed") return false;
    return true;
  });
  const records = new Map<string, { webhookId: string; type: string }[]>();
  const readRecord = async (orderId: string) => {
    const response = await worker.authed(`/v1/edge/orders/${encodeURIComponent(orderId)}`);
    const body = await response.json() as {
      item?: { events: { webhookId: string; type: string }[] };
    };
    records.set(orderId, body.item?.events ?? []);
  };
  const orderOf = (e: SandboxEvent) =>
    (e.data as EventData).order?.id ?? (e.data as EventData).payment?.orderId ?? "";
  const emittedByOrder = () => {
    const map = new Map<string, string[]>();
    for (const e of emitted) {
      const list = map.get(orderOf(e)) ?? [];
      list.push(e.type);
      map.set(orderOf(e), list);
    }
    return map;
  };
  const pending = new Set<string>();
  await until("the sandbox's webhooks to reach the Worker", async () => {
    for (const [id, types] of emittedByOrder()) {
      const seen = records.get(id);
      if (!seen || excess(types, seen.map((e) => e.type)) > 0) pending.add(id);
    }
    for (const id of [...pending]) {
      await readRecord(id);
      const types = emittedByOrder().get(id) ?? [];
      if (excess(types, records.get(id)!.map((e) => e.type)) === 0) pending.delete(id);
    }
    return pending.size === 0;
  });
  const recordedKeys = () =>
    [...records.entries()].filter(([id]) => !id.startsWith("ord_syn_")).flatMap(([id, events]) =>
      events.map((e) => `${e.type}|${id}`)
    );
  const emittedKeys = () => emitted.map((e) => `${e.type}|${orderOf(e)}`);
  for (const id of new Set(synthetic.values())) await readRecord(id);

  let syntheticLost = 0;
  let syntheticDoubled = 0;
  for (const [webhookId, orderId] of synthetic) {
    const n = (records.get(orderId) ?? []).filter((e) => e.webhookId === webhookId).length;
    if (n === 0) syntheticLost++;
    if (n > 1) syntheticDoubled += n - 1;
  }
  const handoffCalls = handoffs.map((id) => providerCalls.get(`handoff_${id}`) ?? 0);
  const notConfirmed =
    (await Promise.all(handoffs.map(status))).filter((s) => s !== "confirmed").length;
  const accounting = {
    "order flows completed": flows,
    "synthetic webhook ids accepted": synthetic.size,
    "duplicate deliveries sent": duplicatesSent,
    "sandbox events emitted": emitted.length,
    "handoffs": handoffs.length,
    "lost": syntheticLost + excess(emittedKeys(), recordedKeys()) +
      handoffCalls.filter((n) => n === 0).length,
    "doubled": syntheticDoubled + excess(recordedKeys(), emittedKeys()) +
      handoffCalls.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    "handoffs not confirmed": notConfirmed,
    "Worker log lines": workerLog.lines,
    "of which workerd 'client disconnected'": workerLog.disconnects,
  };
  if (workerLog.other.length > 0) {
    console.log(`load: Worker log sample:\n${workerLog.other.join("\n")}`);
  }
  await worker.stop();
  await sandbox.close();
  await provider.close();
  return { name: "Worker", stats, accounting };
}

// ---- Report ----

function row(phase: Phase): string {
  const s = phase.stats;
  const seconds = (s.ended - s.started) / 1000;
  return `| ${phase.name} | ${seconds.toFixed(0)} s | ${s.requests.toLocaleString("en-US")} | ${
    Math.round(s.requests / seconds).toLocaleString("en-US")
  } | ${quantile(s.latencies, 0.5).toFixed(1)} ms | ${
    quantile(s.latencies, 0.99).toFixed(1)
  } ms | ${s.count(500, 600)} | ${
    s.count(400, 500)
  } | ${s.networkErrors} | ${phase.accounting.lost} | ${phase.accounting.doubled} |`;
}

function report(phases: readonly Phase[], load: string): string {
  const lines = [
    `Generated by \`deno task bench:load${
      Deno.args.filter((a) => a !== "--write").map((a) => ` ${a}`).join("")
    }\` on ${
      new Date().toISOString().slice(0, 16)
    }Z: ${SECONDS} s per phase, ${CONCURRENCY} concurrent client loops, loopback only. Load average at the start: ${load}. The sandbox runs in the load generator's process, the Worker in workerd (Miniflare); on a shared 2-core machine read the throughput as a floor.`,
    "",
    "| Target | Time | Requests | Requests/s | p50 | p99 | 5xx | 4xx | Network errors | Events lost | Events doubled |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...phases.map(row),
    "",
  ];
  for (const phase of phases) {
    lines.push(
      `**${phase.name}** accounting: ${
        Object.entries(phase.accounting).map(([k, v]) => `${k} ${v}`).join(", ")
      }.`,
      "",
    );
    lines.push("| Request | Count | p50 | p99 |", "|---|---|---|---|");
    for (const [op, values] of [...phase.stats.byOp].sort()) {
      lines.push(
        `| ${op} | ${values.length.toLocaleString("en-US")} | ${
          quantile(values, 0.5).toFixed(1)
        } ms | ${quantile(values, 0.99).toFixed(1)} ms |`,
      );
    }
    const statuses = [...phase.stats.byStatus].sort(([a], [b]) => a - b).map(([code, n]) =>
      `${code}: ${n}`
    ).join(", ");
    lines.push("", `Statuses: ${statuses}.`, "");
  }
  return lines.join("\n");
}

const START = "<!-- reliability:start -->";
const END = "<!-- reliability:end -->";

async function writeSection(body: string): Promise<void> {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch {
    text = "# Benchmarks\n";
  }
  const block = `${START}\n${body}\n${END}`;
  if (text.includes(START) && text.includes(END)) {
    text = `${text.slice(0, text.indexOf(START))}${block}${
      text.slice(text.indexOf(END) + END.length)
    }`;
  } else {
    text = `${text.trimEnd()}\n\n## Reliability\n\n${block}\n`;
  }
  await Deno.writeTextFile(path, text);
  // Keep the file `deno fmt` clean (it aligns the tables), as bench/main.ts does.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path.pathname] }).output();
  console.log(`load: wrote the Reliability section of ${path.pathname}`);
}

async function loadAverage(): Promise<string> {
  try {
    return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

if (import.meta.main) {
  const load = await loadAverage();
  console.log(
    `load: ${SECONDS} s per phase, concurrency ${CONCURRENCY}, at most ${MAX_REQUESTS} requests per phase`,
  );
  const phases = [await sandboxPhase()];
  console.log(`load: sandbox phase done (${phases[0]!.stats.requests} requests)`);
  phases.push(await workerPhase());
  const text = report(phases, load);
  console.log(`\n${text}`);
  if (WRITE) await writeSection(text);
  const failed = phases.some((p) =>
    p.stats.count(500, 600) > 0 || Number(p.accounting.lost) > 0 || Number(p.accounting.doubled) > 0
  );
  if (failed) {
    console.error("load: targets missed (5xx, lost or doubled events)");
    Deno.exit(1);
  }
}
