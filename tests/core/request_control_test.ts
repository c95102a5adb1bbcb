/**
 * Request control: per-call `{ signal, timeoutMs, headers }`, client `timeouts`, opt-in
 * `retry` (safe requests only, backoff, `Retry-After` within a cap), and the
 * `onRequest`/`onResponse` hooks.
 */
import {
  assert,
  assertEquals,
  assertFalse,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import {
  DEFAULT_READ_TIMEOUT_MS,
  DEFAULT_WRITE_TIMEOUT_MS,
  type ErrorHookInfo,
  type Logger,
  OrchestrationApiError,
  OrchestrationError,
  OrchestrationNetworkError,
  PeaqosClient,
  REDACTED,
  type RequestHookInfo,
  type ResponseHookInfo,
  type RetryHookInfo,
  VERSION,
} from "../../mod.ts";
import {
  API_KEY,
  closedPort,
  orchestrationFor,
  PAIRING_TOKEN,
  type Reply,
  startServer,
} from "../_recording_server.ts";
import {
  DEADLINE_KIND,
  forgetSharedDeadlines,
  sharedDeadline,
  timerDeadline,
} from "../../src/deadline.ts";

const unavailable: Reply = {
  status: 503,
  body: { error: { code: "UNAVAILABLE", message: "Try again" } },
};

/**
 * Records the deadline of every call while installed, whichever way the runtime builds it
 * (a shared `AbortSignal.timeout` per slot, or a `setTimeout` the SDK must clear), and which
 * timers were cleared.
 */
function spyDeadlines() {
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  const originalTimeout = AbortSignal.timeout;
  const delays: number[] = [];
  const timers = new Map<unknown, number>();
  const cleared = new Set<unknown>();
  forgetSharedDeadlines();
  globalThis.setTimeout = ((handler: () => void, delay?: number) => {
    const id = originalSet(handler, delay);
    timers.set(id, delay ?? 0);
    if (DEADLINE_KIND === "timer") delays.push(delay ?? 0);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id?: Parameters<typeof clearTimeout>[0]) => {
    if (id !== undefined) cleared.add(id);
    originalClear(id);
  }) as typeof clearTimeout;
  AbortSignal.timeout = (ms: number) => {
    delays.push(ms);
    return originalTimeout.call(AbortSignal, ms);
  };
  return {
    /** Deadlines armed, in milliseconds, in order (short test timers excluded). */
    delays: () => delays.filter((d) => d >= 1000),
    /** Delays of every `setTimeout` (the retry backoff waits among them), in order. */
    timerDelays: () => [...timers.values()],
    /** Timers with `delay` the SDK created and did not clear (none where it uses none). */
    uncleared: (delay: number) =>
      [...timers].filter(([id, d]) => d === delay && !cleared.has(id)).length,
    [Symbol.dispose]() {
      globalThis.setTimeout = originalSet;
      globalThis.clearTimeout = originalClear;
      AbortSignal.timeout = originalTimeout;
    },
  };
}

/**
 * Asserts that the armed deadlines are the expected timeouts. A shared timeout signal serves
 * every call due in the same slot (1/64 of the timeout, at most 1 s), so it is armed at most
 * once per slot, up to a slot late; a per-call timer is armed once per call, exactly.
 */
function assertArmed(armed: readonly number[], expected: readonly number[]): void {
  if (DEADLINE_KIND === "timer") return assertEquals(armed, expected);
  const slotOf = (delay: number) =>
    expected.find((ms) => delay >= ms && delay <= ms + Math.min(1000, ms / 64) + 1);
  for (const delay of armed) assert(slotOf(delay) !== undefined, `unexpected deadline ${delay}`);
  assertEquals(new Set(armed.map(slotOf)), new Set(expected), "every expected timeout armed");
}

// ---- timeouts ----

Deno.test("DEFAULT_READ_TIMEOUT_MS and DEFAULT_WRITE_TIMEOUT_MS are 30 s and 60 s", () => {
  assertEquals(DEFAULT_READ_TIMEOUT_MS, 30_000);
  assertEquals(DEFAULT_WRITE_TIMEOUT_MS, 60_000);
});

Deno.test("request() arms the default timeouts and leaves no timer to clear once the call settles", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  {
    using deadlines = spyDeadlines();
    await api.getMachine("m-1");
    await api.updateMachine("m-1", { displayName: "x" });
    await api.archiveMachine("m-1").catch(() => {});
    assertArmed(
      deadlines.delays(),
      [DEFAULT_READ_TIMEOUT_MS, DEFAULT_WRITE_TIMEOUT_MS, DEFAULT_WRITE_TIMEOUT_MS],
    );
    assertEquals(deadlines.uncleared(DEFAULT_READ_TIMEOUT_MS), 0);
    assertEquals(deadlines.uncleared(DEFAULT_WRITE_TIMEOUT_MS), 0);
  }
  // A failed call leaves none either.
  server.respond({ status: 500, raw: "oops" });
  {
    using deadlines = spyDeadlines();
    await assertRejects(() => api.getMachine("m-1"), OrchestrationApiError);
    assertArmed(deadlines.delays(), [DEFAULT_READ_TIMEOUT_MS]);
    assertEquals(deadlines.uncleared(DEFAULT_READ_TIMEOUT_MS), 0);
  }
});

Deno.test("request() leaves nothing that keeps the process alive after a call", async () => {
  // A child process makes calls with the default 30 s and 60 s timeouts, closes its server and
  // ends its script: it must exit at once, not when the timeouts would have fired.
  const script = `
    import { PeaqosClient } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => request.method === "GET" ? Response.json({ item: { id: "m-1" } })
        : new Response("oops", { status: 500 }));
    const api = new PeaqosClient({ orchestrationUrl: \`http://127.0.0.1:\${server.addr.port}\` }).orchestration;
    await api.getMachine("m-1");
    await api.createMachine({ displayName: "x", machineType: "rover" }).catch(() => {});
    const controller = new AbortController();
    await api.getMachine("m-1", { signal: controller.signal });
    await server.shutdown();
  `;
  const started = performance.now();
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  assertEquals(code, 0, new TextDecoder().decode(stderr));
  assert(seconds < 20, `the process lingered for ${seconds.toFixed(1)} s`);
});

Deno.test("timerDeadline() clears its timer and listener, and tells a timeout from an abort", async () => {
  {
    using deadlines = spyDeadlines();
    const caller = new AbortController();
    const deadline = timerDeadline(45_000, caller.signal);
    deadline.clear();
    assertEquals(deadlines.uncleared(45_000), 0);
    caller.abort(); // after clear(), the caller's signal no longer reaches the deadline
    assertFalse(deadline.signal.aborted);
  }
  const timedOut = timerDeadline(5, undefined);
  await new Promise((resolve) => timedOut.signal.addEventListener("abort", resolve));
  assert(timedOut.timedOut());
  assertEquals((timedOut.signal.reason as DOMException).name, "TimeoutError");
  const caller = new AbortController();
  const cancelled = timerDeadline(30_000, caller.signal);
  caller.abort(new Error("stop"));
  assert(cancelled.signal.aborted);
  assertFalse(cancelled.timedOut());
  cancelled.clear();
});

Deno.test("sharedDeadline() fires on timeout or on the caller's abort, and tells which", async () => {
  const alone = sharedDeadline(5, undefined);
  await new Promise((resolve) => alone.signal.addEventListener("abort", resolve));
  assert(alone.timedOut());
  const caller = new AbortController();
  const combined = sharedDeadline(5, caller.signal);
  await new Promise((resolve) => combined.signal.addEventListener("abort", resolve));
  assert(combined.timedOut());
  caller.abort(); // later: the timeout still came first
  assert(combined.timedOut());
  const second = new AbortController();
  const cancelled = sharedDeadline(30_000, second.signal);
  second.abort(new Error("stop"));
  assert(cancelled.signal.aborted);
  assertFalse(cancelled.timedOut());
  cancelled.clear();
});

Deno.test("sharedDeadline() lets calls due in the same slot share one timer, up to 1024 calls", () => {
  // A 64 s timeout has 1 s slots: calls made within microseconds of each other share one.
  const signals = new Set(
    Array.from({ length: 1100 }, () => sharedDeadline(64_000, undefined).signal),
  );
  assert(signals.size >= 2 && signals.size <= 4, `${signals.size} signals for 1100 calls`);
  // A caller's signal gets its own combined signal, still on the shared timer.
  const caller = new AbortController();
  const combined = sharedDeadline(64_000, caller.signal);
  assertFalse(signals.has(combined.signal));
  caller.abort();
  assertFalse(combined.timedOut());
});

Deno.test("sharedDeadline() never fires before the timeout, and at most a slot after", async () => {
  for (const ms of [10, 200]) {
    const started = performance.now();
    const deadline = sharedDeadline(ms, undefined);
    await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve));
    const elapsed = performance.now() - started;
    assert(deadline.timedOut());
    assertGreaterOrEqual(elapsed, ms - 1, `${ms} ms timeout fired after ${elapsed} ms`);
    assert(elapsed < ms + ms / 64 + 100, `${ms} ms timeout fired after ${elapsed} ms`);
  }
});

Deno.test("request() uses the client's timeouts option per method family", async () => {
  await using server = startServer();
  const api = orchestrationFor(server, { timeouts: { read: 1234, write: 5678 } });
  using deadlines = spyDeadlines();
  await api.getMachine("m-1");
  await api.createMachine({ displayName: "x", machineType: "rover" });
  assertArmed(deadlines.delays(), [1234, 5678]);
  assertEquals(deadlines.uncleared(1234) + deadlines.uncleared(5678), 0);
});

Deno.test("request() lets a per-call timeoutMs override the client's timeouts", async () => {
  await using server = startServer();
  server.respond(async () => {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return { body: { item: { id: "m-1" } } };
  });
  const api = orchestrationFor(server, { timeouts: { read: 20 } });
  // Longer than the client's 20 ms: the slow answer arrives.
  const { item } = await api.getMachine("m-1", { timeoutMs: 5_000 });
  assertEquals(item.id, "m-1");
  // Shorter than the default: the call times out.
  server.respond({ hang: true });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1", { timeoutMs: 25 }),
    OrchestrationNetworkError,
  );
  assert(error.timedOut);
});

Deno.test("request() caps a huge timeoutMs instead of letting the timer overflow", async () => {
  await using server = startServer();
  server.respond(async () => {
    // Slow enough that a timer overflowing to "fire at once" would have aborted the call.
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { body: { item: { id: "m-1" } } };
  });
  using deadlines = spyDeadlines();
  const { item } = await orchestrationFor(server).getMachine("m-1", { timeoutMs: 10_000_000_000 });
  assertEquals(item.id, "m-1");
  assertArmed(deadlines.delays(), [2_147_483_647]);
});

Deno.test("request() sends per-call headers but never lets them replace the SDK's own", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  await api.createPaymentIntent("o-1", { rail: "wallet" }, PAIRING_TOKEN, {
    headers: {
      traceparent: "00-abc-def-01",
      "Idempotency-Key": "idem-1",
      "X-Api-Key": "attacker-key",
      "x-agent-pairing-token": "attacker-token",
      "Content-Type": "text/plain",
      "user-agent": "evil/1.0",
      accept: "text/html",
    },
  });
  const seen = server.requests[0]!.headers;
  assertEquals(seen["traceparent"], "00-abc-def-01");
  assertEquals(seen["idempotency-key"], "idem-1");
  assertEquals(seen["x-api-key"], API_KEY);
  assertEquals(seen["x-agent-pairing-token"], PAIRING_TOKEN);
  assertEquals(seen["content-type"], "application/json");
  assertEquals(seen["user-agent"], `peaq-os-sdk-js/${VERSION}`);
  assertEquals(seen["accept"], "application/json");
});

Deno.test("request() accepts per-call headers given as a Headers instance from JavaScript", async () => {
  await using server = startServer();
  const headers = new Headers({ "idempotency-key": "idem-2", "x-api-key": "attacker-key" });
  await orchestrationFor(server).getMachine("m-1", { headers: headers as never });
  assertEquals(server.requests[0]!.headers["idempotency-key"], "idem-2");
  assertEquals(server.requests[0]!.headers["x-api-key"], API_KEY);
});

Deno.test("machineAgentHeartbeat() ignores an x-api-key passed in per-call headers", async () => {
  await using server = startServer({ body: { agent: { id: "a-1" }, endpoints: [] } });
  await orchestrationFor(server).machineAgentHeartbeat({ agentToken: "agent-token" }, {
    headers: { "x-api-key": "smuggled" },
  });
  assertEquals(server.requests[0]!.headers["x-api-key"], undefined);
});

// ---- retry ----

const fastRetry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } as const;

Deno.test("request() does not retry by default", async () => {
  await using server = startServer(unavailable);
  const error = await assertRejects(
    () => orchestrationFor(server).listMachines(),
    OrchestrationApiError,
  );
  assertEquals(error.statusCode, 503);
  assertEquals(server.requests.length, 1);
});

Deno.test("request() with retry retries a GET on 503 and then succeeds", async () => {
  await using server = startServer({ body: { items: [{ id: "m-1" }] } });
  server.enqueue(unavailable, unavailable);
  const page = await orchestrationFor(server, { retry: fastRetry }).listMachines({ limit: 5 });
  assertEquals(page.items.length, 1);
  assertEquals(server.requests.length, 3);
  assertEquals(server.requests.map((r) => r.search), ["?limit=5", "?limit=5", "?limit=5"]);
});

Deno.test("request() with retry gives up after maxAttempts with the last error", async () => {
  await using server = startServer(unavailable);
  const error = await assertRejects(
    () => orchestrationFor(server, { retry: fastRetry }).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.statusCode, 503);
  assertEquals(server.requests.length, 3);
});

Deno.test("request() with retry does not retry a 4xx other than 408/425/429", async () => {
  await using server = startServer({
    status: 404,
    body: { error: { code: "NOT_FOUND", message: "gone" } },
  });
  await assertRejects(
    () => orchestrationFor(server, { retry: fastRetry }).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(server.requests.length, 1);
});

Deno.test("request() with retry retries PUT and DELETE, which are idempotent", async () => {
  await using server = startServer({ status: 204 });
  const api = orchestrationFor(server, { retry: fastRetry });
  server.enqueue(unavailable);
  await api.deleteRuntimeEndpoint("m-1", "ollama");
  server.respond({ body: { item: { providerKey: "ollama" } } });
  server.enqueue(unavailable);
  await api.upsertRuntimeEndpoint("m-1", "ollama", { endpointBaseUrl: "http://127.0.0.1:1" });
  assertEquals(server.requests.map((r) => `${r.method}`), ["DELETE", "DELETE", "PUT", "PUT"]);
});

Deno.test("request() with retry does not retry a POST without an idempotency key", async () => {
  await using server = startServer();
  server.enqueue(unavailable);
  const error = await assertRejects(
    () =>
      orchestrationFor(server, { retry: fastRetry }).createMachine({
        displayName: "x",
        machineType: "rover",
      }),
    OrchestrationApiError,
  );
  assertEquals(error.statusCode, 503);
  assertEquals(server.requests.length, 1);
});

Deno.test("request() with retry retries a POST that carries an idempotency-key", async () => {
  await using server = startServer({ body: { item: { id: "pay-1" } } });
  server.enqueue(unavailable);
  const { item } = await orchestrationFor(server, { retry: fastRetry }).createPaymentIntent(
    "o-1",
    { rail: "wallet" },
    PAIRING_TOKEN,
    { headers: { "idempotency-key": "intent-o-1" } },
  );
  assertEquals(item?.id, "pay-1");
  assertEquals(server.requests.length, 2);
  assertEquals(server.requests.map((r) => r.headers["idempotency-key"]), [
    "intent-o-1",
    "intent-o-1",
  ]);
  assertEquals(server.requests[1]!.body, { rail: "wallet" });
});

Deno.test("request() with retry honours Retry-After within maxDelayMs", async () => {
  await using server = startServer({ body: { item: { id: "m-1" } } });
  const api = orchestrationFor(server, {
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 40 },
  });
  using timers = spyDeadlines();
  // 20 ms asked for, under the cap: waited exactly.
  server.enqueue({ ...unavailable, headers: { "retry-after": "0.02" } });
  await api.getMachine("m-1");
  // An hour asked for: capped at 40 ms rather than waited.
  server.enqueue({ status: 429, headers: { "retry-after": "3600" }, body: unavailable.body });
  await api.getMachine("m-1");
  // An HTTP date in the past: no wait.
  server.enqueue({
    ...unavailable,
    headers: { "retry-after": new Date(Date.now() - 60_000).toUTCString() },
  });
  await api.getMachine("m-1");
  const waits = timers.timerDelays().filter((d) => d < 1000);
  assertEquals(waits.slice(0, 3), [20, 40, 0]);
  assertEquals(server.requests.length, 6);
});

Deno.test("request() with retry backs off exponentially with jitter under the cap", async () => {
  await using server = startServer(unavailable);
  const api = orchestrationFor(server, {
    retry: { maxAttempts: 4, baseDelayMs: 4, maxDelayMs: 10 },
  });
  using timers = spyDeadlines();
  await assertRejects(() => api.getMachine("m-1"), OrchestrationApiError);
  const waits = timers.timerDelays().filter((d) => d < 1000);
  assertEquals(waits.length, 3);
  // Full jitter: each wait is within [0, min(cap, base * 2^(n-1))).
  assert(waits[0]! >= 0 && waits[0]! < 4, `first wait ${waits[0]}`);
  assert(waits[1]! >= 0 && waits[1]! < 8, `second wait ${waits[1]}`);
  assert(waits[2]! >= 0 && waits[2]! <= 10, `third wait ${waits[2]}`);
  assertEquals(server.requests.length, 4);
});

Deno.test("request() with retry retries a network error (timeout) and then succeeds", async () => {
  await using server = startServer({ body: { item: { id: "m-1" } } });
  server.enqueue({ hang: true });
  const api = orchestrationFor(server, {
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    timeouts: { read: 40 },
  });
  const { item } = await api.getMachine("m-1");
  assertEquals(item.id, "m-1");
  assertEquals(server.requests.length, 2);
});

Deno.test("request() with retry never retries an abort asked for by the caller", async () => {
  await using server = startServer({ hang: true });
  const api = orchestrationFor(server, { retry: { maxAttempts: 5, baseDelayMs: 1 } });
  const controller = new AbortController();
  const pending = api.getMachine("m-1", { signal: controller.signal });
  while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
  controller.abort();
  const error = await assertRejects(() => pending, OrchestrationNetworkError);
  assertFalse(error.timedOut);
  assertEquals(server.requests.length, 1);
});

Deno.test("request() with retry stops waiting when the caller aborts during backoff", async () => {
  await using server = startServer(unavailable);
  const api = orchestrationFor(server, {
    retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 },
  });
  const controller = new AbortController();
  server.respond(() => {
    // Abort once the first attempt has been answered and the SDK is backing off.
    setTimeout(() => controller.abort(), 20);
    return unavailable;
  });
  const error = await assertRejects(
    () => api.getMachine("m-1", { signal: controller.signal }),
    OrchestrationNetworkError,
  );
  assertFalse(error.timedOut);
  assertEquals(server.requests.length, 1);
});

// ---- hooks ----

Deno.test("onRequest and onResponse see redacted headers, attempts and the request id", async () => {
  await using server = startServer({
    body: { item: { id: "pay-1" } },
    headers: { "x-request-id": "req-ok" },
  });
  server.enqueue({ ...unavailable, headers: { "x-request-id": "req-503" } });
  const requests: RequestHookInfo[] = [];
  const responses: ResponseHookInfo[] = [];
  const api = orchestrationFor(server, {
    retry: fastRetry,
    onRequest: (info) => {
      requests.push(info);
    },
    onResponse: async (info) => {
      await Promise.resolve();
      responses.push(info);
    },
  });
  await api.createPaymentIntent("o-1", {}, PAIRING_TOKEN, {
    headers: { "idempotency-key": "k-1", traceparent: "00-t-s-01" },
  });
  assertEquals(requests.map((r) => r.attempt), [1, 2]);
  assertEquals(responses.map((r) => r.attempt), [1, 2]);
  assertEquals(responses.map((r) => r.status), [503, 200]);
  assertEquals(responses.map((r) => r.requestId), ["req-503", "req-ok"]);
  const first = requests[0]!;
  assertEquals(first.method, "POST");
  assertEquals(first.url, `${server.url}/api/v1/market/orders/o-1/payment-intent`);
  assertEquals(first.headers["x-api-key"], REDACTED);
  assertEquals(first.headers["x-agent-pairing-token"], REDACTED);
  assertEquals(first.headers["traceparent"], "00-t-s-01");
  assertEquals(first.headers["user-agent"], `peaq-os-sdk-js/${VERSION}`);
  for (const info of [...requests, ...responses]) {
    const text = JSON.stringify(info);
    assertFalse(text.includes(API_KEY));
    assertFalse(text.includes(PAIRING_TOKEN));
  }
  for (const info of responses) assertGreaterOrEqual(info.durationMs, 0);
});

Deno.test("OrchestrationApiError.requestId comes from the server's x-request-id", async () => {
  await using server = startServer({
    status: 429,
    body: { error: { code: "RATE_LIMITED", message: "Slow down" } },
    headers: { "x-request-id": "req-429", "retry-after": "0" },
  });
  const error = await assertRejects(
    () => orchestrationFor(server, { retry: { maxAttempts: 2, baseDelayMs: 1 } }).getSkill("s"),
    OrchestrationApiError,
  );
  assertEquals(error.requestId, "req-429");
  assertEquals(error.statusCode, 429);
  assertEquals(server.requests.length, 2);
});

Deno.test("onResponse reports an undefined requestId when the server sends none", async () => {
  await using server = startServer();
  let seen: ResponseHookInfo | undefined;
  await orchestrationFor(server, { onResponse: (info) => void (seen = info) }).getMachine("m-1");
  assertStrictEquals(seen?.requestId, undefined);
  assertEquals(seen?.status, 200);
});

// ---- per-call headers as HeadersInit, and the payment signature ----

Deno.test("request() accepts per-call headers as a list of pairs", async () => {
  await using server = startServer();
  await orchestrationFor(server).getMachine("m-1", {
    headers: [["traceparent", "00-pairs-01"], ["X-Api-Key", "attacker-key"]],
  });
  const seen = server.requests[0]!.headers;
  assertEquals(seen["traceparent"], "00-pairs-01");
  assertEquals(seen["x-api-key"], API_KEY);
});

Deno.test("paymentSignature rides as PAYMENT-SIGNATURE, cannot be overridden and is never shown", async () => {
  const signature = btoa(JSON.stringify({ x402Version: 2, payload: { signature: "0xfeed" } }));
  await using server = startServer({
    status: 402,
    body: { error: { code: "PAYMENT_TX_FAILED", message: "Refused" } },
  });
  const seen: string[] = [];
  const lines: string[] = [];
  const api = orchestrationFor(server, {
    onRequest: (info) => void seen.push(JSON.stringify(info)),
    onResponse: (info) => void seen.push(JSON.stringify(info)),
    logger: { debug: (l) => lines.push(l), info: (l) => lines.push(l), warn: (l) => lines.push(l) },
    logLevel: "debug",
  });
  const error = await assertRejects(
    () =>
      api.executeMarketOrder("o-1", {}, PAIRING_TOKEN, {
        paymentSignature: signature,
        headers: { "payment-signature": "Zm9yZ2Vk" },
      }),
    OrchestrationApiError,
  );
  assertEquals(server.requests[0]!.headers["payment-signature"], signature);
  const printed = [
    ...seen,
    ...lines,
    error.message,
    String(error.stack),
    JSON.stringify(error),
    Deno.inspect(error, { depth: 10 }),
  ];
  for (const text of printed) assertFalse(text.includes(signature), text);
  assertEquals(JSON.parse(seen[0]!).headers["payment-signature"], REDACTED);
});

// ---- onError, onRetry, and hooks that throw ----

Deno.test("onError closes the onRequest of an attempt that got no response", async () => {
  await using server = startServer({ hang: true });
  const events: string[] = [];
  let failed: ErrorHookInfo | undefined;
  const api = orchestrationFor(server, {
    timeouts: { read: 30 },
    onRequest: (info) => void events.push(`request ${info.attempt}`),
    onResponse: (info) => void events.push(`response ${info.status}`),
    onError: (info) => {
      failed = info;
      events.push(`error ${info.error.name}`);
    },
  });
  const error = await assertRejects(() => api.getMachine("m-1"), OrchestrationNetworkError);
  assertEquals(events, ["request 1", "error OrchestrationNetworkError"]);
  assertStrictEquals(failed?.error, error);
  assertEquals(failed?.headers["x-api-key"], REDACTED);
  assertGreaterOrEqual(failed!.durationMs, 0);
  // A whole response, error status included, closes with onResponse instead.
  server.respond({ status: 404, body: { error: { code: "NOT_FOUND", message: "x" } } });
  events.length = 0;
  await assertRejects(() => api.getMachine("m-1"), OrchestrationApiError);
  assertEquals(events, ["request 1", "response 404"]);
});

Deno.test("onError fires for a refused connection, on every attempt of a retried call", async () => {
  const events: string[] = [];
  const api = new PeaqosClient({
    orchestrationUrl: `http://127.0.0.1:${closedPort()}`,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    onRequest: (info) => void events.push(`request ${info.attempt}`),
    onError: (info) => void events.push(`error ${info.attempt}`),
    onRetry: (info) => void events.push(`retry after ${info.attempt}`),
  }).orchestration;
  await assertRejects(() => api.getMachine("m-1"), OrchestrationNetworkError);
  assertEquals(events, ["request 1", "error 1", "retry after 1", "request 2", "error 2"]);
});

Deno.test("onRetry sees the failed attempt, its error and the wait", async () => {
  await using server = startServer({ body: { item: { id: "m-1" } } });
  server.enqueue({ ...unavailable, headers: { "retry-after": "0.01" } });
  const retries: RetryHookInfo[] = [];
  const api = orchestrationFor(server, {
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 50 },
    onRetry: (info) => void retries.push(info),
  });
  await api.getMachine("m-1");
  assertEquals(retries.length, 1);
  const [retry] = retries;
  assertEquals(retry!.attempt, 1);
  assertEquals(retry!.delayMs, 10);
  assertInstanceOf(retry!.error, OrchestrationApiError);
  assertEquals((retry!.error as OrchestrationApiError).statusCode, 503);
  assertEquals(retry!.headers["x-api-key"], REDACTED);
});

for (const hook of ["onRequest", "onResponse", "onError", "onRetry"] as const) {
  Deno.test(`a throwing ${hook} hook rejects the call with an OrchestrationError holding its error`, async () => {
    await using server = startServer(hook === "onError" ? { hang: true } : unavailable);
    const thrown = new Error(`${hook} broke`);
    const api = orchestrationFor(server, {
      timeouts: { read: 30 },
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      [hook]: () => {
        throw thrown;
      },
    });
    const error = await assertRejects(() => api.getMachine("m-1"), OrchestrationError);
    assertStrictEquals(error.cause, thrown);
    assertEquals(error.constructor, OrchestrationError);
    assertEquals(error.request?.path, "/api/v1/machines/m-1");
    // Never retried, and onRequest throwing means no request at all.
    assertEquals(server.requests.length, hook === "onRequest" ? 0 : 1);
  });
}

Deno.test("a rejecting async hook rejects the call the same way", async () => {
  await using server = startServer();
  const thrown = new TypeError("async hook broke");
  const api = orchestrationFor(server, { onResponse: () => Promise.reject(thrown) });
  const error = await assertRejects(() => api.getMachine("m-1"), OrchestrationError);
  assertStrictEquals(error.cause, thrown);
});

// ---- logging ----

function collect(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      debug: (line) => void lines.push(`debug ${line}`),
      info: (line) => void lines.push(`info ${line}`),
      warn: (line) => void lines.push(`warn ${line}`),
    },
  };
}

Deno.test("logger logs requests, retries and failures at their levels, without credentials", async () => {
  await using server = startServer(unavailable);
  const { lines, logger } = collect();
  const api = orchestrationFor(server, { logger, logLevel: "debug", retry: fastRetry });
  await assertRejects(
    () => api.confirmMarketOrder("o-1", PAIRING_TOKEN, { headers: { "idempotency-key": "k" } }),
    OrchestrationApiError,
  );
  const levels = lines.map((line) => line.split(" ")[0]);
  assertEquals(levels, [
    "debug",
    "debug",
    "info",
    "debug",
    "debug",
    "info",
    "debug",
    "debug",
    "warn",
  ]);
  assertStringIncludes(lines[0]!, `POST ${server.url}/api/v1/market/orders/o-1/confirm`);
  assertStringIncludes(lines[1]!, "answered 503");
  assertStringIncludes(lines[2]!, "attempt 2 of 3");
  assertStringIncludes(lines.at(-1)!, "UNAVAILABLE");
  for (const line of lines) {
    assert(line.includes("peaq-os-sdk: "), line);
    assertFalse(line.includes(API_KEY) || line.includes(PAIRING_TOKEN), line);
  }
});

Deno.test("logLevel 'warn' logs only failed calls; a logger without a level logs at info", async () => {
  await using server = startServer();
  const warn = collect();
  const api = orchestrationFor(server, { logger: warn.logger, logLevel: "warn" });
  await api.getMachine("m-1");
  assertEquals(warn.lines, []);
  server.respond({ status: 404, body: { error: { code: "NOT_FOUND", message: "gone" } } });
  await assertRejects(() => api.getMachine("m-1"), OrchestrationApiError);
  assertEquals(warn.lines.length, 1);
  assertStringIncludes(warn.lines[0]!, "warn peaq-os-sdk: GET");
  const info = collect();
  await assertRejects(
    () => orchestrationFor(server, { logger: info.logger }).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(info.lines.map((line) => line.split(" ")[0]), ["warn"]);
});

Deno.test("a logger that throws never fails a call", async () => {
  await using server = startServer();
  const logger = {
    debug: () => {
      throw new Error("x");
    },
    info: () => {},
    warn: () => {},
  };
  const { item } = await orchestrationFor(server, { logger, logLevel: "debug" }).getMachine("m-1");
  assertEquals(item as unknown, {});
});
