/**
 * `deno task local`: the local run of the whole system, with the ports every README uses.
 *
 * - `:8788` the sandbox (the Machine Markets API), sending its signed webhooks to the Worker at
 *   `http://127.0.0.1:8787/webhooks/orchestration` with the secret of `worker/.dev.vars.example`;
 *   its external-handoff services point at the loopback provider.
 * - `:8789` a loopback handoff provider (`loopback_provider.ts`) that answers the Worker's
 *   handoff calls as a partner would.
 * - `:8787` the edge Worker, which you start: `cd worker && npm install && npm run dev`
 *   (`wrangler dev` with `.dev.vars`, a copy of `.dev.vars.example`, whose
 *   `HANDOFF_ALLOW_LOOPBACK_HTTP=true` lets it call the provider over plain http on 127.0.0.1).
 *
 * A machine and a paired agent are seeded. Once the Worker answers `/health`, one handoff runs
 * through it: the agent's session is stored at the edge, an order for `svc_manual_handoff` is
 * placed and executed with the SDK, the sandbox's `order.handoff` webhook reaches the Worker, the
 * Worker calls the provider and confirms the order. Then everything keeps serving until Ctrl-C.
 *
 * `startLocal` runs the same pieces on any ports for `tests/project/local_run_test.ts` and
 * `scripts/test_worker_build.ts`. Prints ids and URLs; never a pairing token.
 *
 * @module
 */
import { type MarketOrder, PeaqosClient } from "../mod.ts";
import { type RunningSandbox, type SandboxCatalogue, startSandbox } from "../sandbox/mod.ts";
import builtInCatalogue from "../sandbox/catalogue.json" with { type: "json" };
import {
  type HandoffCall,
  type LoopbackProvider,
  startLoopbackProvider,
} from "./loopback_provider.ts";

/**
 * The local run's settings, shared with `worker/.dev.vars.example` (checked by
 * {@linkcode checkDevVars}) and `worker/wrangler.jsonc` (`dev.port`). The keys are local
 * development values, documented as such; never use them anywhere else.
 */
export const LOCAL_RUN = {
  workerPort: 8787,
  sandboxPort: 8788,
  providerPort: 8789,
  /** The platform key the sandbox accepts: `PEAQOS_API_KEY`. */
  apiKey: "sk_sandbox_local",
  /** The webhook subscription's secret: `PEAQOS_WEBHOOK_SECRET`. */
  webhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  /** The edge key whose hash `EDGE_CLIENT_KEYS` lists (tenant `dev`). */
  edgeKey: "edge_dev_key_change_me",
  /** A free external-handoff service, so the story needs no payment. */
  handoffService: "svc_manual_handoff",
} as const;

/** Options of {@linkcode startLocal}; each defaults to {@linkcode LOCAL_RUN}'s value. */
export type LocalOptions = {
  /** Sandbox port; 0 for any free one. */
  readonly sandboxPort?: number | undefined;
  /** Loopback provider port; 0 for any free one. */
  readonly providerPort?: number | undefined;
  /** The Worker's origin, where the sandbox sends its webhooks. */
  readonly workerUrl?: string | undefined;
  /** Delay before the sandbox's first webhook retry (default 500 ms). */
  readonly webhookRetryDelayMs?: number | undefined;
  /** Called after each call the provider answers. */
  readonly onProviderCall?: ((call: HandoffCall) => void) | undefined;
};

/** What one handoff through the Worker came to. */
export type LocalHandoff = {
  readonly order: MarketOrder;
  /** Calls the provider received for the order (1 when all went well). */
  readonly providerCalls: readonly HandoffCall[];
  /** The Worker's record of the order (`GET /v1/edge/orders/:orderId`). */
  readonly workerRecord: WorkerOrderRecord;
};

/** The parts of the Worker's order record the story reports. */
export type WorkerOrderRecord = {
  readonly events: readonly { readonly type: string }[];
  readonly handoff: {
    readonly state: string;
    readonly attempts: number;
    readonly statusCode: number | null;
    readonly detail: string | null;
  } | null;
  readonly deadLetters: readonly { readonly reason: string }[];
};

/** Options of {@linkcode LocalStack.runHandoff}. */
export type RunHandoffOptions = {
  /** Default {@linkcode LOCAL_RUN}`.edgeKey`. */
  readonly edgeKey?: string | undefined;
  /** How long to wait for the order to settle; default 60 000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Called with each step, for printing. */
  readonly onStep?: ((label: string, text: string) => void) | undefined;
};

/** The running sandbox and provider; dispose with `await using` or `close()`. */
export type LocalStack = {
  readonly sandbox: RunningSandbox;
  readonly provider: LoopbackProvider;
  /** Where the sandbox sends webhooks to (the Worker's origin). */
  readonly workerUrl: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  /**
   * Runs one handoff through the Worker: stores the agent's session there, places and executes
   * an order for {@linkcode LOCAL_RUN}`.handoffService` with the SDK, and waits until the Worker
   * has settled it. Rejects with a one-line reason when a step fails or the order does not settle.
   */
  runHandoff(options?: RunHandoffOptions): Promise<LocalHandoff>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * The built-in catalogue with every handoff service's URLs moved to the loopback provider:
 * `https://manualhub.example/search` becomes `<providerUrl>/manualhub/search`.
 *
 * @example
 * ```ts ignore
 * const catalogue = localCatalogue("http://127.0.0.1:8789");
 * ```
 */
export function localCatalogue(providerUrl: string): SandboxCatalogue {
  const move = (url: unknown, providerKey: string): unknown =>
    typeof url === "string" ? `${providerUrl}/${providerKey}${new URL(url).pathname}` : url;
  const services = (builtInCatalogue.services as readonly CatalogueService[]).map((service) => {
    if (service.metadata.runtime !== "handoff" || !service.handoff) return service;
    const key = service.providerKey;
    return {
      ...service,
      handoff: { ...service.handoff, url: move(service.handoff.url, key) },
      endpoints: service.endpoints?.map((endpoint) => ({
        ...endpoint,
        url: move(endpoint.url, key),
      })),
      referenceUrl: move(service.referenceUrl, key),
    };
  });
  return { skills: builtInCatalogue.skills, services };
}

/** The fields of a `catalogue.json` service that {@linkcode localCatalogue} moves. */
type CatalogueService = {
  readonly providerKey: string;
  readonly handoff?: { readonly url?: unknown } | null;
  readonly endpoints?: readonly { readonly url?: unknown }[];
  readonly referenceUrl?: unknown;
  readonly metadata: { readonly runtime: string };
};

/**
 * Starts the local run's sandbox (seeded with a machine and a paired agent) and loopback
 * provider. Rejects with `Deno.errors.AddrInUse` or the sandbox's `ListenError` when a port is
 * taken; nothing is left running then.
 *
 * @example
 * ```ts ignore
 * await using local = await startLocal();
 * const { order } = await local.runHandoff();
 * ```
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalStack> {
  const workerUrl = options.workerUrl ?? `http://127.0.0.1:${LOCAL_RUN.workerPort}`;
  const provider = await startLoopbackProvider({
    port: options.providerPort ?? LOCAL_RUN.providerPort,
    onCall: options.onProviderCall,
  });
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox({
      port: options.sandboxPort ?? LOCAL_RUN.sandboxPort,
      apiKeys: [LOCAL_RUN.apiKey],
      webhooks: [{ url: `${workerUrl}/webhooks/orchestration`, secret: LOCAL_RUN.webhookSecret }],
      ...(options.webhookRetryDelayMs !== undefined &&
        { webhookRetryDelayMs: options.webhookRetryDelayMs }),
      catalogue: localCatalogue(provider.url),
      seed: {
        machines: [{ ref: "rover", displayName: "Local Rover", machineType: "rover" }],
        pairings: [{ ref: "agent", machine: "rover", agentProvider: "local", agentRole: "buyer" }],
      },
    });
  } catch (error) {
    await provider.close();
    throw error;
  }
  const seeded = sandbox.seeded!;
  const machineId = seeded.machines[0]!.machine.id;
  const pairing = seeded.pairings[0]!.pairing;
  const close = async () => {
    await sandbox.close();
    await provider.close();
  };
  return {
    sandbox,
    provider,
    workerUrl,
    machineId,
    agentPairingId: pairing.id,
    // The pairing token stays in this closure: the stack prints and serializes without it.
    runHandoff: (runOptions = {}) =>
      runHandoff({ sandbox, provider, workerUrl, machineId, pairing }, runOptions),
    close,
    [Symbol.asyncDispose]: close,
  };
}

type HandoffParts = {
  readonly sandbox: RunningSandbox;
  readonly provider: LoopbackProvider;
  readonly workerUrl: string;
  readonly machineId: string;
  readonly pairing: { readonly id: string; readonly pairingToken: string };
};

const SETTLED = ["confirmed", "disputed", "cancelled", "failed"];

async function runHandoff(parts: HandoffParts, options: RunHandoffOptions): Promise<LocalHandoff> {
  const { sandbox, provider, workerUrl, machineId, pairing } = parts;
  const edgeKey = options.edgeKey ?? LOCAL_RUN.edgeKey;
  const step = options.onStep ?? (() => {});
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const edge = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${edgeKey}`);
    return fetch(`${workerUrl}${path}`, { ...init, headers });
  };

  // The Worker confirms with the session of the tenant that owns the order: store it first.
  const stored = await edge(`/v1/sessions/${encodeURIComponent(pairing.id)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: pairing.pairingToken }),
  });
  const storedBody = await stored.json().catch(() => ({})) as { error?: { code?: string } };
  if (stored.status !== 200) {
    throw new Error(
      `The Worker refused the agent's session: ${stored.status} ${storedBody.error?.code ?? ""}` +
        (stored.status === 401 ? " (is the edge key's hash in EDGE_CLIENT_KEYS?)" : ""),
    );
  }
  step("Session", `agent pairing ${pairing.id} stored at the Worker (tenant of the edge key)`);

  const api = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: LOCAL_RUN.apiKey })
    .orchestration;
  const { item: created } = await api.createMarketOrder({
    machineId,
    agentPairingId: pairing.id,
    serviceId: LOCAL_RUN.handoffService,
    operation: "lookup",
    input: { topic: "X-200 brake pads" },
  }, pairing.pairingToken);
  const executed = await api.executeMarketOrder(created.id, {}, pairing.pairingToken);
  const handoff = "handoff" in executed.execution ? executed.execution.handoff : undefined;
  step("Order", `${created.id} for ${created.serviceId} placed and executed with the SDK`);
  step("Handoff", `202 → ${handoff?.url ?? "no handoff URL"}: the sandbox sends order.handoff`);

  let order: MarketOrder | undefined;
  while (order === undefined) {
    const { item } = await api.getMarketOrder(created.id);
    if (SETTLED.includes(item.status)) {
      order = item;
      break;
    }
    // A refused URL or a parked job will not settle by itself: say why at once.
    const record = await readRecord(edge, created.id);
    const parked = record?.deadLetters.at(-1)?.reason;
    if (parked !== undefined || record?.handoff?.state === "refused") {
      throw new Error(
        `The Worker did not run the handoff of '${created.id}': ` +
          (parked ?? record?.handoff?.detail ?? "refused"),
      );
    }
    if (Date.now() > deadline) {
      const state = record?.handoff?.state ?? "not started";
      throw new Error(
        `Order '${created.id}' is still '${item.status}': ` +
          (record ? `the Worker's handoff is ${state}` : "the Worker has no record of it"),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  // The API's order.confirmed webhook can overtake the Worker's own note of the outcome.
  let workerRecord = await readRecord(edge, order.id);
  while (
    workerRecord?.handoff?.state !== order.status && Date.now() <= deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    workerRecord = await readRecord(edge, order.id);
  }
  if (!workerRecord) throw new Error(`The Worker has no record of order '${order.id}'`);
  const providerCalls = provider.calls.filter((call) => call.orderId === order.id);
  step(
    "Worker",
    `order.handoff received, provider called ${providerCalls.length} time(s), ` +
      `order ${order.status}`,
  );
  return { order, providerCalls, workerRecord };
}

async function readRecord(
  edge: (path: string) => Promise<Response>,
  orderId: string,
): Promise<WorkerOrderRecord | undefined> {
  const response = await edge(`/v1/edge/orders/${encodeURIComponent(orderId)}`);
  const body = await response.json().catch(() => ({})) as { item?: WorkerOrderRecord };
  return response.status === 200 ? body.item : undefined;
}

/**
 * Reads a `.dev.vars`-style file (`KEY=value` lines, `#` comments, optional quotes) as wrangler
 * does for these files.
 *
 * @example
 * ```ts ignore
 * parseDevVars("A=1\n# note\nB='two'"); // { A: "1", B: "two" }
 * ```
 */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    vars[match[1]!] = quoted ? quoted[2]! : value;
  }
  return vars;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * What in the Worker's dev settings would break the local run: one line per problem, naming the
 * setting but never its value. Empty when the Worker and {@linkcode startLocal} agree.
 *
 * @example
 * ```ts ignore
 * const problems = await checkDevVars(parseDevVars(await Deno.readTextFile("worker/.dev.vars.example")));
 * ```
 */
export async function checkDevVars(vars: Readonly<Record<string, string>>): Promise<string[]> {
  const problems: string[] = [];
  const expect = (name: string, value: string, consequence: string) => {
    if (vars[name] !== value) problems.push(`'${name}' is not '${value}': ${consequence}`);
  };
  expect(
    "PEAQOS_ORCHESTRATION_URL",
    `http://127.0.0.1:${LOCAL_RUN.sandboxPort}`,
    "the Worker does not reach the sandbox",
  );
  expect("PEAQOS_API_KEY", LOCAL_RUN.apiKey, "the sandbox refuses the Worker's calls");
  if (vars.PEAQOS_WEBHOOK_SECRET !== LOCAL_RUN.webhookSecret) {
    problems.push(
      "'PEAQOS_WEBHOOK_SECRET' differs from the sandbox's: the Worker refuses its webhooks",
    );
  }
  const edgeHash = await sha256Hex(LOCAL_RUN.edgeKey);
  const listed = (vars.EDGE_CLIENT_KEYS ?? "").split(",").map((entry) =>
    entry.trim().split("=").at(-1)!.toLowerCase()
  );
  if (!listed.includes(edgeHash)) {
    problems.push(`'EDGE_CLIENT_KEYS' lacks the hash of '${LOCAL_RUN.edgeKey}': 401 at the edge`);
  }
  const hosts = (vars.HANDOFF_ALLOWED_HOSTS ?? "").split(",").map((host) => host.trim());
  if (!hosts.includes(`127.0.0.1:${LOCAL_RUN.providerPort}`) && !hosts.includes("127.0.0.1")) {
    problems.push(
      `'HANDOFF_ALLOWED_HOSTS' lacks '127.0.0.1:${LOCAL_RUN.providerPort}': handoffs are refused`,
    );
  }
  expect("HANDOFF_ALLOW_LOOPBACK_HTTP", "true", "the provider's http URL is refused");
  return problems;
}

/**
 * The settings `npm run dev` gives the Worker: `worker/.dev.vars`, which it copies from
 * `worker/.dev.vars.example` when there is none.
 */
async function workerDevVars(): Promise<{ vars: Record<string, string>; file: string }> {
  for (const file of ["worker/.dev.vars", "worker/.dev.vars.example"]) {
    try {
      const text = await Deno.readTextFile(new URL(`../${file}`, import.meta.url));
      return { vars: parseDevVars(text), file };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return { vars: {}, file: "worker/.dev.vars.example" };
}

async function waitForWorker(url: string, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    try {
      const response = await fetch(`${url}/health`, { signal });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

function line(label: string, text: string): void {
  console.log(`${label.padEnd(11)} ${text}`);
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(
      "Usage: deno task local\n\nServes the sandbox (:8788) and a loopback handoff provider " +
        "(:8789) for the Worker (:8787),\nthen runs one handoff through the Worker once it is up.",
    );
    return;
  }
  if (args.length > 0) {
    console.error(`Unexpected argument '${args[0]}' (see 'deno task local --help')`);
    Deno.exit(2);
  }
  const { vars, file } = await workerDevVars();
  for (const problem of await checkDevVars(vars)) console.warn(`Warning: ${file}: ${problem}`);

  let local: LocalStack;
  try {
    local = await startLocal({
      onProviderCall: (call) =>
        line(
          "Provider",
          `${call.replay ? "repeated " : ""}handoff call for ${call.orderId} ` +
            `(${call.providerKey} ${call.operation ?? ""}) on ${call.path}: accepted`,
        ),
    });
  } catch (error) {
    const inUse = error instanceof Deno.errors.AddrInUse ||
      (error as { reason?: string }).reason === "in-use";
    console.error(
      inUse
        ? `Cannot start the local run: port ${LOCAL_RUN.sandboxPort} or ${LOCAL_RUN.providerPort} ` +
          "is already in use"
        : `Cannot start the local run: ${(error as Error).message}`,
    );
    Deno.exit(1);
  }
  const stop = new AbortController();
  const shutdown = async () => {
    stop.abort();
    await local.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", shutdown);

  const worker = local.workerUrl;
  console.log("peaq OS local run\n");
  line("Sandbox", `${local.sandbox.url}  PEAQOS_API_KEY=${LOCAL_RUN.apiKey}`);
  line("", `webhooks → ${worker}/webhooks/orchestration (secret of worker/.dev.vars.example)`);
  line("Provider", `${local.provider.url}  loopback handoff provider for the handoff services`);
  line("Seeded", `machine ${local.machineId}, agent pairing ${local.agentPairingId}`);
  console.log(`
Next, in a second terminal, start the Worker on ${worker}:

  cd worker && npm install && npm run dev

Edge key (its hash is EDGE_CLIENT_KEYS in worker/.dev.vars.example): ${LOCAL_RUN.edgeKey}
  curl -H "authorization: Bearer ${LOCAL_RUN.edgeKey}" ${worker}/v1/market/services
`);
  line("Waiting", `for the Worker on ${worker} ...`);
  if (!await waitForWorker(worker, stop.signal)) return;
  line("Worker", `up: one handoff through it for ${LOCAL_RUN.handoffService}`);
  try {
    const { order, providerCalls, workerRecord } = await local.runHandoff({ onStep: line });
    line(
      "Done",
      `order ${order.id} ${order.status}; provider calls ${providerCalls.length}; ` +
        `the Worker recorded ${workerRecord.events.map((event) => event.type).join(", ")}`,
    );
  } catch (error) {
    line("Failed", (error as Error).message);
  }
  console.log(`\nStill serving: order more through the Worker with the edge key. Ctrl-C stops.`);
}

if (import.meta.main) await main(Deno.args);
