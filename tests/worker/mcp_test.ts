// The Worker's MCP endpoint (`POST /mcp`) driven by the official MCP client (`Client` and
// `StreamableHTTPClientTransport` of @modelcontextprotocol/sdk) over real HTTP, with the Worker in
// workerd (Miniflare) and the market in the sandbox: tools listed with the contract's schemas, a
// purchase from search to confirmation (x402 signed at the edge, a wallet transfer, a free order),
// and the refusals: bad edge keys, another key's pairing and orders, the spending cap, tools a key
// may not use, the tool-call rate, x402 without a signing key, a broken policy.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
// The SDK's `./*` export points Deno at types that do not exist (`x.js.d.ts`); the extensionless
// path has them (see worker/src/mcp/server.ts).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type Market, market } from "../_market.ts";
import {
  CLIENT_KEY,
  type EdgeWorker,
  json,
  OTHER_CLIENT_KEY,
  SESSION_KEY,
  startWorker,
} from "../_worker.ts";

const TOOLS = [
  "search_market",
  "get_market_service",
  "create_order",
  "pay_order",
  "execute_order",
  "confirm_order",
  "dispute_order",
  "get_order",
];

type ToolAnswer = { isError: boolean; body: Record<string, unknown>; text: string };
type ToolError = { error: { code: string; message: string; details: unknown } };

/** An MCP client connected to the Worker's `/mcp` with `key`; every tool answer's text is kept. */
type McpClient = {
  readonly client: Client;
  readonly texts: string[];
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  [Symbol.asyncDispose](): Promise<void>;
};

async function connect(worker: EdgeWorker, key = CLIENT_KEY): Promise<McpClient> {
  const client = new Client({ name: "worker-mcp-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${worker.url}/mcp`), {
    // Miniflare gzips even empty answers (the 202 of a notification) and the client drops
    // them unread, which workerd logs as a broken pipe: ask for them uncompressed.
    requestInit: { headers: { authorization: `Bearer ${key}`, "accept-encoding": "identity" } },
  });
  await client.connect(transport);
  const texts: string[] = [];
  return {
    client,
    texts,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as { type: string; text: string }[];
      const text = content[0]?.text ?? "";
      texts.push(text);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text);
      } catch {
        body = { text };
      }
      return { isError: result.isError === true, body, text };
    },
    [Symbol.asyncDispose]: () => client.close(),
  };
}

function errorOf(answer: ToolAnswer): ToolError["error"] {
  assert(answer.isError, `expected a tool error, got ${answer.text}`);
  return (answer.body as ToolError).error;
}

function ok(answer: ToolAnswer): Record<string, unknown> {
  assert(!answer.isError, `expected a result, got ${answer.text}`);
  return answer.body;
}

/** A Worker in front of the sandbox of `m`, with `m`'s session stored for the test key. */
async function edgeFor(m: Market, vars: Record<string, string> = {}): Promise<EdgeWorker> {
  const worker = await startWorker({
    vars: { PEAQOS_ORCHESTRATION_URL: m.sandbox.url, PEAQOS_API_KEY: m.sandbox.apiKey, ...vars },
  });
  await worker.storeSession(m.pairing.id, m.token);
  return worker;
}

const policies = (value: unknown) => ({ MCP_POLICIES: JSON.stringify(value) });

/** The upstream POSTs to the API the Worker made since `from` (method and path). */
function upstreamPosts(worker: EdgeWorker, from = 0): string[] {
  return worker.outbound.slice(from).filter((o) => o.method === "POST").map((o) =>
    new URL(o.url).pathname.replace(/^\/api\/v1/, "")
  );
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
};

function rpc(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

Deno.test("POST /mcp refuses a missing or unknown edge key, and GET/DELETE, forwarding nothing", async () => {
  await using worker = await startWorker();
  const missing = await worker.fetch("/mcp", rpc(initialize));
  assertEquals(missing.status, 401);
  assertEquals(missing.headers.get("www-authenticate"), "Bearer");
  assertEquals(((await json(missing)) as ToolError).error.code, "AUTH_REQUIRED");

  const unknown = await worker.fetch(
    "/mcp",
    rpc(initialize, { authorization: "Bearer edge_not_a_real_key_00" }),
  );
  assertEquals(unknown.status, 401);
  assertEquals(((await json(unknown)) as ToolError).error.code, "AUTH_INVALID");

  // The official client fails to connect, too.
  const client = new Client({ name: "t", version: "1" });
  let refused = false;
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${worker.url}/mcp`), {
        requestInit: { headers: { authorization: "Bearer edge_not_a_real_key_00" } },
      }),
    );
  } catch {
    refused = true;
  } finally {
    await client.close();
  }
  assert(refused, "connecting with an unknown key must fail");

  for (const method of ["GET", "DELETE"]) {
    const response = await worker.authed("/mcp", { method });
    assertEquals(response.status, 405, method);
    assertEquals(response.headers.get("allow"), "POST");
    await response.body?.cancel();
  }
  assertEquals(worker.outbound, []);
});

Deno.test("POST /mcp answers initialize and tools/list statelessly, as JSON", async () => {
  await using worker = await startWorker();
  const init = await worker.authed("/mcp", rpc(initialize));
  assertEquals(init.status, 200);
  assertMatch(init.headers.get("content-type") ?? "", /^application\/json/);
  assertEquals(init.headers.get("mcp-session-id"), null, "stateless: no session");
  const result = (await json(init)).result as {
    serverInfo: { name: string };
    capabilities: { tools?: unknown };
    instructions: string;
  };
  assertEquals(result.serverInfo.name, "peaqos-edge");
  assert(result.capabilities.tools);
  assertStringIncludes(result.instructions, "search_market");

  // A later request stands alone: no session id, no initialize first.
  const list = await worker.authed(
    "/mcp",
    rpc({ jsonrpc: "2.0", id: 2, method: "tools/list" }, {
      "mcp-protocol-version": "2025-06-18",
    }),
  );
  assertEquals(list.status, 200);
  const tools = ((await json(list)).result as { tools: { name: string }[] }).tools;
  assertEquals(tools.map((tool) => tool.name), TOOLS);
  assertEquals(worker.outbound, []);
});

Deno.test("tools/list gives every tool a description and the contract's JSON Schema, without secrets", async () => {
  await using worker = await startWorker();
  await using mcp = await connect(worker);
  const { tools } = await mcp.client.listTools();
  assertEquals(tools.map((tool) => tool.name), TOOLS);
  for (const tool of tools) {
    assert((tool.description ?? "").length > 40, tool.name);
    assertEquals(tool.inputSchema.type, "object");
    // Strict like the contract: a field the API does not know is refused before any call.
    assertEquals(
      (tool.inputSchema as { additionalProperties?: unknown }).additionalProperties,
      false,
    );
    const text = JSON.stringify(tool.inputSchema);
    for (
      const secret of ["providerCredentials", "pairingToken", "paymentSignature", "privateKey"]
    ) {
      assert(!text.includes(secret), `${tool.name} takes '${secret}'`);
    }
  }
  const create = tools.find((tool) => tool.name === "create_order")!;
  assertEquals(create.inputSchema.required, ["serviceId"]);
  const budget = JSON.stringify(create.inputSchema.properties?.budget);
  assertStringIncludes(budget, '"number"', "money is a JSON number, as in the contract");
  const search = tools.find((tool) => tool.name === "search_market")!;
  const maxResults = search.inputSchema.properties?.maxResults as { maximum?: number };
  assertEquals(maxResults.maximum, 50);
  assertEquals(
    tools.find((tool) => tool.name === "search_market")!.annotations?.readOnlyHint,
    true,
  );
  assertEquals(tools.find((tool) => tool.name === "pay_order")!.annotations?.readOnlyHint, false);

  // Arguments outside the schema are refused by the server before the tool runs.
  const bad = await mcp.call("create_order", { serviceId: "svc_sim_echo", pairingToken: "x" });
  assert(bad.isError);
  assertEquals(worker.outbound, []);
});

Deno.test("MCP tools buy an x402 service end to end: search, order from exampleInput, pay at the edge, execute, confirm", async () => {
  await using m = await market();
  await using worker = await edgeFor(m, {
    // The default pairing comes from the policy, the machine from the stored token's claims.
    ...policies({ test: { agentPairingId: m.pairing.id } }),
    MCP_X402_KEYS: JSON.stringify({ test: m.agent.privateKey }),
  });
  await using mcp = await connect(worker);

  const found = ok(
    await mcp.call("search_market", { serviceType: "oracle.price-feed", maxResults: 5 }),
  ) as {
    searchId: string;
    quotes: { quoteId: string; serviceId: string; payment: { rail: string } }[];
  };
  const quote = found.quotes.find((q) => q.serviceId === "svc_x402_price_feed");
  assert(quote, JSON.stringify(found));
  assertEquals(quote.payment.rail, "x402");
  const search = worker.outbound.find((o) => o.url.endsWith("/market/search"))!;
  assertEquals(
    search.headers["x-agent-pairing-token"],
    m.token,
    "the stored session went upstream",
  );
  assertEquals(JSON.parse(search.body).machineId, m.machine.id);

  const service = ok(await mcp.call("get_market_service", { serviceId: quote.serviceId })) as {
    price: { amount: number; currency: string };
    operations: {
      operation: string;
      exampleInput: Record<string, unknown>;
      inputFields: unknown[];
    }[];
  };
  assertEquals(service.price.currency, "USDC");
  const operation = service.operations[0]!;
  assert(operation.inputFields.length > 0);

  const created = ok(
    await mcp.call("create_order", {
      serviceId: quote.serviceId,
      operation: operation.operation,
      input: operation.exampleInput,
      searchId: found.searchId,
      quoteId: quote.quoteId,
    }),
  ) as { order: { orderId: string; status: string; payment: { rail: string } }; next: string };
  const orderId = created.order.orderId;
  assertEquals(created.order.status, "created");
  assertStringIncludes(created.next, "pay_order");

  const paid = ok(await mcp.call("pay_order", { orderId })) as {
    payment: { rail: string; status: string; payerAddress: string };
  };
  assertEquals(paid.payment.rail, "x402");
  assertEquals(paid.payment.status, "held");
  assertEquals(paid.payment.payerAddress.toLowerCase(), m.agent.address.toLowerCase());

  const executed = ok(await mcp.call("execute_order", { orderId })) as {
    order: { status: string };
    execution: { mode: string; status: string; output: Record<string, unknown> };
  };
  assertEquals(executed.execution.mode, "native");
  assertEquals(executed.execution.status, "succeeded");
  assertEquals(executed.order.status, "delivered");
  const execute = worker.outbound.find((o) => o.url.endsWith(`/orders/${orderId}/execute`))!;
  const signature = execute.headers["payment-signature"];
  assert(signature, "the signed payment rode on execute");

  const confirmed = ok(await mcp.call("confirm_order", { orderId })) as {
    order: { status: string };
  };
  assertEquals(confirmed.order.status, "confirmed");
  const read = ok(await mcp.call("get_order", { orderId })) as {
    order: { status: string };
    payment: { status: string; transactionHash: string | null };
  };
  assertEquals(read.order.status, "confirmed");
  assertEquals(read.payment.status, "released");
  assert(read.payment.transactionHash, "settled");

  // Every call on the order is on its Ledger record, with outcome and no secrets.
  const record = await worker.orderRecord(orderId);
  assertEquals(
    record.toolCalls.map((call) => `${call.type} ${call.tool} ${call.outcome}`),
    ["create_order", "pay_order", "execute_order", "confirm_order", "get_order"].map((tool) =>
      `mcp.tool_call ${tool} ok`
    ),
  );
  assertEquals(record.toolCalls[1]!.detail, "rail x402; payment held");

  // Secrets stay at the edge: no tool answer (nor the record) holds one.
  const seen = [...mcp.texts, JSON.stringify(record)].join("\n");
  for (const secret of [m.token, m.agent.privateKey, m.sandbox.apiKey, signature, SESSION_KEY]) {
    assert(!seen.includes(secret), "a secret reached the model");
  }
});

Deno.test("MCP pay_order on transfer and escrow rails asks for the transfer or lock, then records it; free orders run unpaid", async () => {
  await using m = await market();
  await using worker = await edgeFor(m);
  await using mcp = await connect(worker);
  const ids = { agentPairingId: m.pairing.id, machineId: m.machine.id };

  const service = ok(await mcp.call("get_market_service", { serviceId: "svc_sim_complete" })) as {
    operations: { operation: string; exampleInput: Record<string, unknown> }[];
    payment: { rail: string };
  };
  assertEquals(service.payment.rail, "wallet");
  const { order } = ok(
    await mcp.call("create_order", {
      ...ids,
      serviceId: "svc_sim_complete",
      input: service.operations[0]!.exampleInput,
    }),
  ) as { order: { orderId: string } };

  const asked = ok(await mcp.call("pay_order", { orderId: order.orderId })) as {
    payment: { status: string; amount: number; currency: string };
    next: string;
  };
  assertEquals(asked.payment.status, "intent_created");
  assertEquals(asked.payment.amount, 0.1);
  assertStringIncludes(asked.next, "0.1 USDT");
  assertStringIncludes(asked.next, "transactionHash");

  const paid = ok(
    await mcp.call("pay_order", {
      orderId: order.orderId,
      transactionHash: `0x${"ab".repeat(32)}`,
      verificationMode: "recorded",
      chain: "peaq",
    }),
  ) as { payment: { status: string; transactionHash: string } };
  assertEquals(paid.payment.status, "held");
  const executed = ok(await mcp.call("execute_order", { orderId: order.orderId })) as {
    order: { status: string };
  };
  assertEquals(executed.order.status, "delivered");
  const disputed = ok(
    await mcp.call("dispute_order", {
      orderId: order.orderId,
      reason: "The completion is off topic",
      evidence: { expected: "a summary" },
    }),
  ) as { order: { status: string }; payment: { status: string } };
  assertEquals(disputed.order.status, "disputed");
  assertEquals(disputed.payment.status, "frozen");

  // An escrow rail takes the lock instead of a transfer.
  const route = ok(
    await mcp.call("create_order", {
      ...ids,
      serviceId: "svc_sim_route",
      input: { from: "Depot 4", to: "Harbour" },
    }),
  ) as { order: { orderId: string } };
  const lockAsked = ok(await mcp.call("pay_order", { orderId: route.order.orderId })) as {
    payment: { rail: string; status: string };
    next: string;
  };
  assertEquals(lockAsked.payment.rail, "escrow");
  assertStringIncludes(lockAsked.next, "escrowAddress");
  const locked = ok(
    await mcp.call("pay_order", {
      orderId: route.order.orderId,
      transactionHash: `0x${"ef".repeat(32)}`,
      chain: "peaq",
      escrowAddress: "0x00000000000000000000000000000000000e5c20",
    }),
  ) as { payment: { status: string; escrowAddress: string } };
  assertEquals(locked.payment.status, "held");
  assertEquals(locked.payment.escrowAddress, "0x00000000000000000000000000000000000e5c20");

  // A free order runs straight away, without pay_order.
  const echo = ok(await mcp.call("get_market_service", { serviceId: "svc_sim_echo" })) as {
    operations: { exampleInput: Record<string, unknown> }[];
  };
  const free = ok(
    await mcp.call("create_order", {
      ...ids,
      serviceId: "svc_sim_echo",
      input: echo.operations[0]!.exampleInput,
    }),
  ) as { order: { orderId: string }; next: string };
  assertEquals(free.next, "Run it with execute_order.");
  const ran = ok(await mcp.call("execute_order", { orderId: free.order.orderId })) as {
    execution: { status: string };
  };
  assertEquals(ran.execution.status, "succeeded");
});

Deno.test("MCP tools refuse another key's pairing and orders as if they did not exist", async () => {
  await using m = await market();
  await using worker = await edgeFor(m);
  await using mine = await connect(worker);
  const { order } = ok(
    await mine.call("create_order", {
      agentPairingId: m.pairing.id,
      serviceId: "svc_sim_echo",
      input: { message: "ping" },
    }),
  ) as { order: { orderId: string } };

  await using other = await connect(worker, OTHER_CLIENT_KEY);
  const sent = worker.outbound.length;
  const search = errorOf(await other.call("search_market", { agentPairingId: m.pairing.id }));
  assertEquals(search.code, "AGENT_AUTH_REQUIRED");
  const create = errorOf(
    await other.call("create_order", { agentPairingId: m.pairing.id, serviceId: "svc_sim_echo" }),
  );
  assertEquals(create.code, "AGENT_AUTH_REQUIRED");
  assertEquals(worker.outbound.length, sent, "nothing forwarded without the key's own session");

  for (const tool of ["get_order", "pay_order", "execute_order", "confirm_order"]) {
    const refused = errorOf(await other.call(tool, { orderId: order.orderId }));
    assertEquals(refused.code, "NOT_FOUND", tool);
    assertEquals(refused.message, `No order '${order.orderId}' for this edge key`);
  }
  // Exactly what an unknown order answers.
  const unknown = errorOf(await mine.call("get_order", { orderId: "ord_unknown_1" }));
  assertEquals(unknown, {
    code: "NOT_FOUND",
    message: "No order 'ord_unknown_1' for this edge key",
    details: null,
  });
  assertEquals(upstreamPosts(worker, sent), [], "the other key changed nothing");
  // Its attempts are not on the owner's record.
  const record = await worker.orderRecord(order.orderId);
  assertEquals(record.toolCalls.map((call) => call.tool), ["create_order"]);
});

Deno.test("MCP spending cap refuses orders and payments above it, before anything is bought", async () => {
  await using m = await market();
  await using worker = await edgeFor(m, {
    ...policies({ "*": { maxAmountPerCall: 0.05, currency: "USDT" } }),
  });
  await using mcp = await connect(worker);
  const ids = { agentPairingId: m.pairing.id };

  // Search only shows what the cap allows.
  const found = ok(await mcp.call("search_market", { ...ids, maxResults: 50 })) as {
    quotes: { price: { amount: number | null; currency: string | null } }[];
  };
  assert(found.quotes.length > 0);
  for (const quote of found.quotes) {
    assert((quote.price.amount ?? 0) <= 0.05, JSON.stringify(quote.price));
  }
  assertEquals(JSON.parse(worker.outbound.at(-1)!.body).budget, { max: 0.05, currency: "USDT" });

  const sent = worker.outbound.length;
  const over = errorOf(
    await mcp.call("create_order", { ...ids, serviceId: "svc_sim_complete" }),
  );
  assertEquals(over.code, "EDGE_SPEND_CAP_EXCEEDED");
  assertStringIncludes(over.message, "over the cap of 0.05");
  assertEquals(over.details, {
    maxAmountPerCall: 0.05,
    currency: "USDT",
    price: 0.1,
    priceCurrency: "USDT",
  });
  const otherCurrency = errorOf(
    await mcp.call("create_order", { ...ids, serviceId: "svc_x402_price_feed" }),
  );
  assertEquals(otherCurrency.code, "EDGE_SPEND_CAP_EXCEEDED");
  assertStringIncludes(otherCurrency.message, "'USDC'");
  assertEquals(upstreamPosts(worker, sent), [], "no order was placed");

  // Within the cap: placed, with the cap as the order's budget (the API enforces it too).
  const within = ok(
    await mcp.call("create_order", {
      ...ids,
      serviceId: "svc_sim_embed",
      input: { text: "battery low" },
    }),
  ) as { order: { orderId: string; budget: unknown } };
  assertEquals(within.order.budget, { amount: 0.05, currency: "USDT" });

  // An order placed through the proxy by the same key is still capped at pay_order.
  const proxied = await worker.authed("/v1/market/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      machineId: m.machine.id,
      agentPairingId: m.pairing.id,
      serviceId: "svc_sim_complete",
      input: { prompt: "Summarise the run", maxTokens: 16 },
    }),
  });
  const orderId = ((await json(proxied)).item as { id: string }).id;
  const before = worker.outbound.length;
  const pay = errorOf(
    await mcp.call("pay_order", { orderId, transactionHash: `0x${"cd".repeat(32)}` }),
  );
  assertEquals(pay.code, "EDGE_SPEND_CAP_EXCEEDED");
  assert(!upstreamPosts(worker, before).includes(`/market/orders/${orderId}/payment-proof`));
  const record = await worker.orderRecord(orderId);
  assertEquals(record.toolCalls.map(({ at: _, ...call }) => call), [{
    type: "mcp.tool_call",
    tool: "pay_order",
    outcome: "EDGE_SPEND_CAP_EXCEEDED",
    detail: "rail wallet",
  }]);
});

Deno.test("MCP policies expose only a key's tools and limit its tool calls", async () => {
  await using m = await market();
  await using worker = await edgeFor(m, {
    ...policies({
      other: { tools: ["search_market", "get_market_service", "get_order"] },
      test: { toolCallsPerMinute: 2 },
    }),
  });
  await using reader = await connect(worker, OTHER_CLIENT_KEY);
  const { tools } = await reader.client.listTools();
  assertEquals(tools.map((tool) => tool.name), [
    "search_market",
    "get_market_service",
    "get_order",
  ]);
  const sent = worker.outbound.length;
  const refused = await reader.call("create_order", {
    agentPairingId: m.pairing.id,
    serviceId: "svc_sim_echo",
  });
  assert(refused.isError);
  assertStringIncludes(refused.text, "create_order not found");
  assertEquals(worker.outbound.length, sent, "nothing forwarded");

  await using limited = await connect(worker);
  for (let i = 0; i < 2; i++) {
    ok(await limited.call("get_market_service", { serviceId: "svc_sim_echo" }));
  }
  const third = errorOf(await limited.call("get_market_service", { serviceId: "svc_sim_echo" }));
  assertEquals(third.code, "RATE_LIMITED");
  assert((third.details as { retryAfterSeconds: number }).retryAfterSeconds > 0);
});

Deno.test("MCP pay_order refuses x402 without an edge signing key, and a broken policy fails closed", async () => {
  await using m = await market();
  await using worker = await edgeFor(m);
  await using mcp = await connect(worker);
  const { order } = ok(
    await mcp.call("create_order", {
      agentPairingId: m.pairing.id,
      serviceId: "svc_x402_price_feed",
      input: { pair: "ETH/USD" },
    }),
  ) as { order: { orderId: string } };
  const sent = worker.outbound.length;
  const refused = errorOf(await mcp.call("pay_order", { orderId: order.orderId }));
  assertEquals(refused.code, "X402_SIGNER_NOT_CONFIGURED");
  assertStringIncludes(refused.message, "MCP_X402_KEYS");
  assertEquals(upstreamPosts(worker, sent), [], "no payment intent, nothing signed");

  await using broken = await startWorker({ vars: { MCP_POLICIES: '{"test":{"maxAmount":5}}' } });
  const response = await broken.authed("/mcp", rpc(initialize));
  assertEquals(response.status, 500);
  const error = ((await json(response)) as ToolError).error;
  assertEquals(error.code, "EDGE_MISCONFIGURED");
  assertStringIncludes(error.message, "MCP_POLICIES");
});
