import { assert, assertEquals, assertMatch, assertNotMatch } from "@std/assert";
import { deadUrl, ids, market } from "../_market.ts";
import { CLIENT_KEY, type EdgeWorker, json, OTHER_CLIENT_KEY, startWorker } from "../_worker.ts";

type Envelope = { error: { code: string; message: string; details: unknown } };

async function call(
  response: Promise<Response>,
): Promise<
  { status: number; body: Record<string, unknown>; headers: Headers }
> {
  const res = await response;
  return { status: res.status, body: await json(res), headers: res.headers };
}

const jsonInit = (body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

Deno.test("/v1 proxy refuses a missing or unknown edge client key, forwarding nothing", async () => {
  await using worker = await startWorker();
  const missing = await call(worker.fetch("/v1/market/services"));
  assertEquals(missing.status, 401);
  assertEquals((missing.body as Envelope).error.code, "AUTH_REQUIRED");
  assertEquals(missing.headers.get("www-authenticate"), "Bearer");

  const unknown = await call(
    worker.authed("/v1/market/services", {}, "edge_not_a_real_key_00"),
  );
  assertEquals(unknown.status, 401);
  assertEquals((unknown.body as Envelope).error.code, "AUTH_INVALID");

  const basic = await call(
    worker.fetch("/v1/market/services", {
      headers: { authorization: `Basic ${CLIENT_KEY}` },
    }),
  );
  assertEquals(basic.status, 401);
  assertEquals(worker.outbound, []);
});

Deno.test("/v1 proxy answers 404 for routes outside the allowlist, forwarding nothing", async () => {
  await using worker = await startWorker();
  const outside: [string, string][] = [
    ["GET", "/v1/machines"],
    ["POST", "/v1/machines"],
    ["GET", "/v1/market/orders/ord_1/payment/extra"],
    ["DELETE", "/v1/market/orders/ord_1"],
    ["POST", "/v1/market/orders/ord_1/cancel"],
    ["GET", "/api/v1/market/services"],
    ["GET", "/v1/market/services/svc_1/../../../machines"],
    ["GET", "/https://example.com/"],
  ];
  for (const [method, path] of outside) {
    const result = await call(worker.authed(path, { method }));
    assertEquals(result.status, 404, `${method} ${path}`);
    assertEquals(
      (result.body as Envelope).error.code,
      "NOT_FOUND",
      `${method} ${path}`,
    );
  }
  assertEquals(worker.outbound, []);
});

Deno.test("/v1 proxy refuses path traversal and malformed ids with 400, forwarding nothing", async () => {
  await using worker = await startWorker();
  for (
    const path of [
      "/v1/market/orders/..%2F..%2Fmachines",
      "/v1/market/orders/ord_1%2F..%2Fx/payment",
      "/v1/market/services/%2e%2e%2fskills",
      "/v1/market/orders/a..b",
      `/v1/market/orders/${"x".repeat(200)}`,
      "/v1/market/search/id%20with%20space",
    ]
  ) {
    const result = await call(worker.authed(path));
    assertEquals(result.status, 400, path);
    assertEquals(
      (result.body as Envelope).error.code,
      "VALIDATION_ERROR",
      path,
    );
  }
  const execute = await call(
    worker.authed("/v1/market/orders/..%2Fmachines/execute", jsonInit({})),
  );
  assertEquals(execute.status, 400);
  assertEquals(worker.outbound, []);
});

Deno.test("/v1 proxy validates bodies and queries with zod before forwarding", async () => {
  await using worker = await startWorker();
  const cases: [string, RequestInit][] = [
    ["/v1/market/search", jsonInit({ machineId: "m_1" })],
    [
      "/v1/market/search",
      jsonInit({ machineId: "m_1", agentPairingId: "p_1", extra: 1 }),
    ],
    ["/v1/market/search", jsonInit("{not json")],
    [
      "/v1/market/orders",
      jsonInit({ machineId: "m_1", agentPairingId: "p_1" }),
    ],
    ["/v1/market/orders/ord_1/dispute", jsonInit({ evidence: {} })],
    ["/v1/market/orders/ord_1/payment-proof", jsonInit({})],
    [
      "/v1/market/orders/ord_1/payment-proof",
      jsonInit({ transactionHash: "0x1", transactionSignature: "abc" }),
    ],
    [
      "/v1/market/orders/ord_1/payment/escrow-lock",
      jsonInit({ chain: "peaq" }),
    ],
    // Revision 2: money is a JSON number, never a decimal string, negative or over-precise.
    [
      "/v1/market/orders",
      jsonInit({
        machineId: "m_1",
        agentPairingId: "p_1",
        serviceId: "s_1",
        budget: { amount: "12.50", currency: "USDT" },
      }),
    ],
    [
      "/v1/market/orders",
      jsonInit({
        machineId: "m_1",
        agentPairingId: "p_1",
        serviceId: "s_1",
        budget: { amount: -1, currency: "USDT" },
      }),
    ],
    ["/v1/market/orders/ord_1/payment-intent", jsonInit({ amount: "7.50" })],
    ["/v1/market/orders/ord_1/payment-intent", jsonInit({ amount: 1e-19 })],
    [
      "/v1/market/search",
      jsonInit({ machineId: "m_1", agentPairingId: "p_1", budget: { max: "10" } }),
    ],
    ["/v1/market/search", jsonInit({ machineId: "m_1", agentPairingId: "p_1", maxPrice: "10" })],
    [
      "/v1/market/search",
      jsonInit({ machineId: "m_1", agentPairingId: "p_1", capabilities: "gps" }),
    ],
    // An x402 proof is a payment signature with verificationMode "x402", and only then.
    [
      "/v1/market/orders/ord_1/payment-proof",
      jsonInit({ verificationMode: "x402", paymentSignature: "not base64!" }),
    ],
    ["/v1/market/orders/ord_1/payment-proof", jsonInit({ paymentSignature: btoa("{}") })],
    [
      "/v1/market/orders/ord_1/payment-proof",
      jsonInit({ verificationMode: "x402", transactionHash: `0x${"ab".repeat(32)}` }),
    ],
    ["/v1/market/services?limit=0", { method: "GET" }],
    ["/v1/market/services?executionMode=teleport", { method: "GET" }],
    ["/v1/market/orders", { method: "GET" }],
  ];
  for (const [path, init] of cases) {
    const result = await call(worker.authed(path, init));
    assertEquals(result.status, 400, `${path} ${init.body ?? ""}`);
    assertEquals(
      (result.body as Envelope).error.code,
      "VALIDATION_ERROR",
      path,
    );
  }
  const detail = await call(
    worker.authed("/v1/market/search", jsonInit({ machineId: 7 })),
  );
  assertEquals(
    ((detail.body as Envelope).error.details as { fields: { path: string }[] })
      .fields.map((f) => f.path).sort(),
    ["agentPairingId", "machineId"],
  );
  assertEquals(worker.outbound, []);
});

Deno.test("/v1 proxy refuses an oversize body with 413, forwarding nothing", async () => {
  await using worker = await startWorker();
  const body = JSON.stringify({
    machineId: "m_1",
    agentPairingId: "p_1",
    query: "x".repeat(70_000),
  });
  const result = await call(worker.authed("/v1/market/search", jsonInit(body)));
  assertEquals(result.status, 413);
  assertEquals((result.body as Envelope).error.code, "PAYLOAD_TOO_LARGE");
  assertEquals(worker.outbound, []);
});

Deno.test("/v1 proxy accepts the revision-2 search, order and x402 proof bodies", async () => {
  await using worker = await startWorker();
  // Valid bodies get past validation to the agent check (no token, no session): 401, not 400.
  const cases: [string, unknown][] = [
    ["/v1/market/search", {
      machineId: "m_1",
      agentPairingId: "p_1",
      serviceType: "oracle.price-feed",
      operation: "price.latest",
      query: "eth usd",
      capabilities: ["price-feed", "crypto"],
      region: "eu",
      maxResults: 5,
      budget: { amount: 0.5, max: 1.25, currency: "USDC" },
      nativeOnly: false,
      allowHandoff: true,
      providerCredentials: { pyth: { apiKey: "k" } },
    }],
    ["/v1/market/orders", {
      machineId: "m_1",
      agentPairingId: "p_1",
      serviceId: "s_1",
      budget: { amount: 12.5, currency: "USDT" },
    }],
    ["/v1/market/orders/ord_1/payment-intent", {
      rail: "x402",
      amount: 7.5,
      payerAddress: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
    }],
    ["/v1/market/orders/ord_1/payment-proof", {
      verificationMode: "x402",
      paymentSignature: btoa(JSON.stringify({ x402Version: 2 })),
    }],
  ];
  for (const [path, body] of cases) {
    const result = await call(worker.authed(path, jsonInit(body)));
    assert(result.status !== 400, `${path}: ${JSON.stringify(result.body)}`);
  }
});

Deno.test("/v1 proxy rate limit holds exactly under 20 concurrent requests", async () => {
  await using worker = await startWorker({ vars: { RATE_LIMIT_PER_MINUTE: "7" } });
  // Keep the burst inside one fixed window.
  const intoWindow = 60_000 - (Date.now() % 60_000);
  if (intoWindow < 5_000) await new Promise((resolve) => setTimeout(resolve, intoWindow + 100));
  const statuses = await Promise.all(
    Array.from(
      { length: 20 },
      async () => (await call(worker.authed("/v1/market/orders/..%2Fx"))).status,
    ),
  );
  assertEquals(statuses.filter((s) => s === 400).length, 7, JSON.stringify(statuses));
  assertEquals(statuses.filter((s) => s === 429).length, 13, JSON.stringify(statuses));
});

Deno.test("/v1 proxy rate limit never allows more than the limit across a restart inside the window", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edge_rate_" });
  try {
    const intoWindow = 60_000 - (Date.now() % 60_000);
    if (intoWindow < 10_000) await new Promise((resolve) => setTimeout(resolve, intoWindow + 100));
    const burst = async (worker: EdgeWorker, n: number) =>
      (await Promise.all(
        Array.from({ length: n }, async () =>
          (await call(worker.authed("/v1/market/orders/..%2Fx"))).status),
      )).filter((s) =>
        s === 400
      ).length;
    const vars = { RATE_LIMIT_PER_MINUTE: "30" };
    const first = await startWorker({ vars, storageDir: dir });
    const before = await burst(first, 12);
    await first.stop();
    await using second = await startWorker({ vars, storageDir: dir });
    const after = await burst(second, 30);
    assertEquals(before, 12);
    // The counter resumes from its stored reservation: stricter for the window, never over.
    assert(before + after <= 30, `${before} + ${after} requests allowed`);
    assert(after >= 30 - 20, `${after} allowed after the restart`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("/v1 proxy rate limit holds exactly while leases serve requests from the isolate's memory", async () => {
  await using worker = await startWorker({ vars: { RATE_LIMIT_PER_MINUTE: "300" } });
  const intoWindow = 60_000 - (Date.now() % 60_000);
  if (intoWindow < 15_000) await new Promise((resolve) => setTimeout(resolve, intoWindow + 100));
  const statuses: number[] = [];
  // Far below the limit the Ledger grants leases (up to a 64th of what is left); near it, single
  // requests.
  for (let batch = 0; batch < 8; batch++) {
    statuses.push(
      ...await Promise.all(
        Array.from(
          { length: 40 },
          async () => (await call(worker.authed("/v1/market/orders/..%2Fx"))).status,
        ),
      ),
    );
  }
  assertEquals(statuses.filter((s) => s === 400).length, 300, JSON.stringify(statuses));
  assertEquals(statuses.filter((s) => s === 429).length, 20, JSON.stringify(statuses));
});

Deno.test("/v1 proxy rate limit with leases never allows more than the limit across a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edge_rate_" });
  try {
    const intoWindow = 60_000 - (Date.now() % 60_000);
    if (intoWindow < 20_000) await new Promise((resolve) => setTimeout(resolve, intoWindow + 100));
    const burst = async (worker: EdgeWorker, n: number) => {
      let allowed = 0;
      for (let sent = 0; sent < n; sent += 25) {
        const statuses = await Promise.all(
          Array.from(
            { length: Math.min(25, n - sent) },
            async () => (await call(worker.authed("/v1/market/orders/..%2Fx"))).status,
          ),
        );
        allowed += statuses.filter((s) => s === 400).length;
      }
      return allowed;
    };
    const vars = { RATE_LIMIT_PER_MINUTE: "300" };
    const first = await startWorker({ vars, storageDir: dir });
    const before = await burst(first, 100);
    await first.stop();
    await using second = await startWorker({ vars, storageDir: dir });
    const after = await burst(second, 300);
    assertEquals(before, 100);
    // Lost to the restart: the stored reservation ahead and the spare requests the old isolate
    // held, never more than a few of each.
    assert(before + after <= 300, `${before} + ${after} requests allowed`);
    assert(after >= 300 - 100 - 20, `${after} allowed after the restart`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("/v1 proxy rate-limits per client key", async () => {
  await using worker = await startWorker({
    vars: { RATE_LIMIT_PER_MINUTE: "3" },
  });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    statuses.push(
      (await call(worker.authed("/v1/market/orders/..%2Fx"))).status,
    );
  }
  assertEquals(statuses, [400, 400, 400, 429]);
  const limited = await call(worker.authed("/v1/market/orders/..%2Fx"));
  assertEquals((limited.body as Envelope).error.code, "RATE_LIMITED");
  const retryAfter = Number(limited.headers.get("retry-after"));
  assert(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
  // Another key has its own budget.
  assertEquals(
    (await call(
      worker.authed("/v1/market/orders/..%2Fx", {}, OTHER_CLIENT_KEY),
    )).status,
    400,
  );
});

Deno.test("/v1 proxy needs a pairing token or a stored session for agent routes", async () => {
  await using worker = await startWorker();
  const result = await call(
    worker.authed(
      "/v1/market/search",
      jsonInit({ machineId: "m_1", agentPairingId: "p_1" }),
    ),
  );
  assertEquals(result.status, 401);
  assertEquals((result.body as Envelope).error.code, "AGENT_AUTH_REQUIRED");
  assertEquals(worker.outbound, []);
});

Deno.test("/v1 proxy forwards market calls with the platform key and maps upstream errors", async () => {
  await using m = await market();
  await using worker = await startWorker({
    vars: {
      PEAQOS_ORCHESTRATION_URL: m.sandbox.url,
      PEAQOS_API_KEY: m.sandbox.apiKey,
    },
  });

  const services = await call(
    worker.authed("/v1/market/services?executionMode=external-handoff"),
  );
  assertEquals(services.status, 200);
  const items = (services.body as { items: { id: string }[] }).items;
  assert(items.length > 0 && items.some((s) => s.id === "svc_manual_handoff"));
  assertEquals(worker.outbound.length, 1);
  const upstream = worker.outbound[0]!;
  assertEquals(upstream.headers["x-api-key"], m.sandbox.apiKey);
  assertMatch(
    upstream.url,
    /\/api\/v1\/market\/services\?executionMode=external-handoff$/,
  );
  assertEquals(
    upstream.headers["authorization"],
    undefined,
    "the edge key is not forwarded",
  );

  // The caller's pairing token is passed through for agent routes.
  const search = await call(
    worker.authed("/v1/market/search", {
      ...jsonInit({ ...ids(m), query: "manual" }),
      headers: {
        "content-type": "application/json",
        "x-agent-pairing-token": m.token,
      },
    }),
  );
  assertEquals(search.status, 200, JSON.stringify(search.body));
  assertEquals(
    worker.outbound.at(-1)!.headers["x-agent-pairing-token"],
    m.token,
  );

  const missing = await call(
    worker.authed("/v1/market/orders/ord_doesnotexist"),
  );
  assertEquals(missing.status, 404);
  const error = (missing.body as Envelope).error;
  assertEquals(error.code, "NOT_FOUND");
  const text = JSON.stringify(missing.body);
  assertNotMatch(text, new RegExp(m.sandbox.apiKey));
  assertNotMatch(text, /stack|\n\s+at /);

  const badToken = await call(
    worker.authed("/v1/market/search", {
      ...jsonInit(ids(m)),
      headers: {
        "content-type": "application/json",
        "x-agent-pairing-token": "not.a.token",
      },
    }),
  );
  assertEquals(badToken.status, 401);
  assertMatch((badToken.body as Envelope).error.code, /^AGENT_AUTH_/);
});

Deno.test("/v1 proxy passes the API's answer on unread on routes that do not need it", async () => {
  await using m = await market();
  // Spacing and a field the Worker's schemas do not know: re-serialising would change both.
  const odd = (body: string) => body.replace(/^\{/, '{ "edgeUnread" :  true ,\n');
  await using worker = await startWorker({
    vars: { PEAQOS_ORCHESTRATION_URL: m.sandbox.url, PEAQOS_API_KEY: m.sandbox.apiKey },
    rewrite: (url, body) => url.pathname.includes("/market/services") ? odd(body) : body,
  });
  let upstream = "";
  for (const path of ["/v1/market/services/svc_manual_handoff", "/v1/market/services"]) {
    const response = await worker.authed(path);
    assertEquals(response.status, 200, path);
    assertEquals(response.headers.get("content-type"), "application/json", path);
    const text = await response.text();
    assertMatch(text, /^\{ "edgeUnread" : {2}true ,\n/, path);
    upstream = text;
  }
  assertEquals(JSON.parse(upstream).edgeUnread, true);
  // Errors still go through the SDK: the contract's envelope, the upstream status and code.
  const missing = await call(worker.authed("/v1/market/services/svc_does_not_exist"));
  assertEquals(missing.status, 404);
  assertEquals((missing.body as Envelope).error.code, "NOT_FOUND");
});

Deno.test("/v1 proxy passes a 200's headers on (x-request-id) but never an upstream cookie", async () => {
  await using m = await market();
  await using worker = await startWorker({
    vars: { PEAQOS_ORCHESTRATION_URL: m.sandbox.url, PEAQOS_API_KEY: m.sandbox.apiKey },
    addHeaders: (url) =>
      url.pathname.endsWith("/svc_manual_handoff")
        ? { "set-cookie": "platform=1; Path=/" }
        : undefined,
  });
  const plain = await worker.authed("/v1/market/services");
  assertEquals(plain.status, 200);
  assertMatch(plain.headers.get("x-request-id") ?? "", /\S/);
  assertEquals((await plain.json()).items.length > 0, true);
  const cookie = await worker.authed("/v1/market/services/svc_manual_handoff");
  assertEquals(cookie.status, 200);
  assertEquals(cookie.headers.get("set-cookie"), null);
  assertEquals(cookie.headers.get("content-type"), "application/json");
  assertEquals((await cookie.json()).item.id, "svc_manual_handoff");
});

Deno.test("/v1 proxy answers 502 when the upstream API is unreachable", async () => {
  await using worker = await startWorker({
    direct: true,
    vars: { PEAQOS_ORCHESTRATION_URL: await deadUrl() },
  });
  const result = await call(worker.authed("/v1/market/services"));
  assertEquals(result.status, 502);
  assertEquals((result.body as Envelope).error.code, "UPSTREAM_UNAVAILABLE");
});

Deno.test("/v1/sessions stores an agent session without ever returning it", async () => {
  await using m = await market();
  await using worker = await startWorker({
    vars: {
      PEAQOS_ORCHESTRATION_URL: m.sandbox.url,
      PEAQOS_API_KEY: m.sandbox.apiKey,
    },
  });
  const path = `/v1/sessions/${m.pairing.id}`;
  assertEquals((await call(worker.authed(path))).status, 404);

  const put = await call(
    worker.authed(path, jsonInit({ pairingToken: m.token }, "PUT")),
  );
  assertEquals(put.status, 200);
  const got = await call(worker.authed(path));
  assertEquals(got.status, 200);
  for (const result of [put, got]) {
    assertEquals(Object.keys((result.body as { item: object }).item).sort(), [
      "agentPairingId",
      "storedAt",
    ]);
    assert(!JSON.stringify(result.body).includes(m.token));
  }

  // The stored session is used when the caller sends no token.
  const search = await call(
    worker.authed(
      "/v1/market/search",
      jsonInit({ ...ids(m), query: "manual" }),
    ),
  );
  assertEquals(search.status, 200, JSON.stringify(search.body));
  assertEquals(
    worker.outbound.at(-1)!.headers["x-agent-pairing-token"],
    m.token,
  );

  // A token for another pairing is refused; sessions need the edge key.
  const other = await call(
    worker.authed(
      `/v1/sessions/pair_other`,
      jsonInit({ pairingToken: m.token }, "PUT"),
    ),
  );
  assertEquals(other.status, 400);
  assertEquals((await call(worker.fetch(path))).status, 401);

  assertEquals(
    (await call(worker.authed(path, { method: "DELETE" }))).status,
    204,
  );
  assertEquals((await call(worker.authed(path))).status, 404);
  const after = await call(
    worker.authed("/v1/market/search", jsonInit(ids(m))),
  );
  assertEquals(after.status, 401);
});
