/**
 * The sandbox's HTTP layer over 127.0.0.1: the error envelope for unknown routes, malformed
 * JSON, oversized bodies and API-key auth (and its off switch); idempotency keys; x-request-id;
 * `createSandboxApp()` without a server; and `deno task sandbox` (`sandbox/deno_bin.ts`): serving
 * and printing its URL and key, `--help`, and one-line errors for bad flags and a busy port.
 */
import {
  assert,
  assertEquals,
  assertExists,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { PeaqosClient } from "../../mod.ts";
import { createSandboxApp, MAX_BODY_BYTES, startSandbox } from "../../sandbox/mod.ts";
import { market } from "../_market.ts";
import {
  assertApiError,
  harness,
  keylessApi,
  manualClock,
  rawRequest,
  verifiedMachine,
} from "../_sandbox_platform.ts";

type ErrorEnvelope = { error: { code: string; message: string; details: unknown } };

function codeOf(body: unknown): string {
  return (body as ErrorEnvelope).error.code;
}

Deno.test("an unknown route is 404 NOT_FOUND in the error envelope", async () => {
  await using h = await harness();
  for (const path of ["/api/v1/nope", "/nope", "/api/v2/machines"]) {
    const res = await rawRequest(h.sandbox, path, { headers: { "x-api-key": h.sandbox.apiKey } });
    assertEquals(res.status, 404);
    assertEquals(codeOf(res.body), "NOT_FOUND");
    assertEquals(res.headers.get("content-type"), "application/json");
  }
});

Deno.test("malformed JSON is 400 VALIDATION_ERROR, never a 5xx", async () => {
  await using h = await harness();
  const headers = { "x-api-key": h.sandbox.apiKey, "content-type": "application/json" };
  for (const body of ["{bad", "", "[]", "null", '"text"', '{"displayName": 1}', "1e999"]) {
    const res = await rawRequest(h.sandbox, "/api/v1/machines", { method: "POST", headers, body });
    assertEquals(res.status, 400, `body ${JSON.stringify(body)}`);
    assertEquals(codeOf(res.body), "VALIDATION_ERROR");
  }
  const res = await rawRequest(h.sandbox, "/api/v1/machines", {
    method: "POST",
    headers,
    body: JSON.stringify({ displayName: "X", machineType: "rover", colour: "red" }),
  });
  assertEquals(res.status, 400);
  assertEquals((res.body as ErrorEnvelope).error.details, [
    { path: "colour", message: 'Unrecognized key: "colour"' },
  ]);
});

/**
 * Sends one HTTP/1.1 request over a raw TCP connection and returns the status line's code and
 * the body. Raw, because the server answers 413 before it has read the body, and a fetch()
 * still uploading would leave its request-body resource open past the test.
 */
async function rawHttp(
  url: string,
  head: string[],
  chunks: Uint8Array[],
): Promise<[number, string]> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const encoder = new TextEncoder();
  // Write while reading: the server answers before it has read the body, so a writer that
  // waited for its last byte could block on a full socket buffer.
  const writing = (async () => {
    await conn.write(encoder.encode([...head, "", ""].join("\r\n")));
    for (const chunk of chunks) {
      for (let offset = 0; offset < chunk.length;) {
        offset += await conn.write(chunk.subarray(offset));
      }
    }
  })().catch(() => {/* the server may close first: that is the point */});
  try {
    let response = new Uint8Array(0);
    const buffer = new Uint8Array(65536);
    for (;;) {
      const text = new TextDecoder().decode(response);
      const split = text.indexOf("\r\n\r\n");
      if (split >= 0) {
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, split))?.[1] ?? "0");
        const body = text.slice(split + 4);
        if (body.length >= length) {
          return [Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body];
        }
      }
      const n = await conn.read(buffer);
      if (n === null) throw new Error(`Connection closed early: ${text}`);
      const grown = new Uint8Array(response.length + n);
      grown.set(response);
      grown.set(buffer.subarray(0, n), response.length);
      response = grown;
    }
  } finally {
    conn.close();
    await writing;
  }
}

function chunkedEncoding(bytes: Uint8Array, size: number): Uint8Array[] {
  const encoder = new TextEncoder();
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const part = bytes.subarray(i, i + size);
    out.push(encoder.encode(`${part.length.toString(16)}\r\n`), part, encoder.encode("\r\n"));
  }
  out.push(encoder.encode("0\r\n\r\n"));
  return out;
}

Deno.test("a body over 1 MiB is 413, with or without a content-length", async () => {
  await using h = await harness();
  const big = new TextEncoder().encode(
    JSON.stringify({ displayName: "x".repeat(MAX_BODY_BYTES), machineType: "rover" }),
  );
  const head = [
    "POST /api/v1/machines HTTP/1.1",
    `host: ${new URL(h.sandbox.url).host}`,
    `x-api-key: ${h.sandbox.apiKey}`,
    "content-type: application/json",
  ];
  const [declared, declaredBody] = await rawHttp(h.sandbox.url, [
    ...head,
    `content-length: ${big.length}`,
  ], [big]);
  assertEquals(declared, 413);
  assertEquals(codeOf(JSON.parse(declaredBody)), "PAYLOAD_TOO_LARGE");

  const [chunked, chunkedBody] = await rawHttp(
    h.sandbox.url,
    [...head, "transfer-encoding: chunked"],
    chunkedEncoding(big, 65536),
  );
  assertEquals(chunked, 413);
  assertStringIncludes(chunkedBody, "PAYLOAD_TOO_LARGE");

  // A small chunked body is counted, then read by the route as usual.
  const small = new TextEncoder().encode(
    JSON.stringify({ displayName: "C", machineType: "rover" }),
  );
  const [created, createdBody] = await rawHttp(
    h.sandbox.url,
    [...head, "transfer-encoding: chunked"],
    chunkedEncoding(small, 7),
  );
  assertEquals(created, 201);
  assertEquals(JSON.parse(createdBody).item.displayName, "C");

  // Just under the limit is parsed (and refused for its content, not its size).
  const under = JSON.stringify({ displayName: "x".repeat(MAX_BODY_BYTES - 100), machineType: "r" });
  const ok = await rawRequest(h.sandbox, "/api/v1/machines", {
    method: "POST",
    headers: { "x-api-key": h.sandbox.apiKey, "content-type": "application/json" },
    body: under,
  });
  assertEquals(ok.status, 400);
  assertEquals(codeOf(ok.body), "VALIDATION_ERROR");
});

Deno.test("platform routes answer AUTH_REQUIRED without x-api-key and AUTH_INVALID for a wrong one", async () => {
  await using h = await harness({ apiKeys: ["sk_one", "sk_two"] });
  assertEquals(h.sandbox.apiKey, "sk_one");
  const noKey = await rawRequest(h.sandbox, "/api/v1/machines");
  assertEquals(noKey.status, 401);
  assertEquals(codeOf(noKey.body), "AUTH_REQUIRED");
  const wrong = new PeaqosClient({ orchestrationUrl: h.sandbox.url, apiKey: "sk_three" });
  const error = await assertApiError(wrong.orchestration.listMachines(), "AUTH_INVALID", 401);
  assert(!error.message.includes("sk_three"));
  const second = new PeaqosClient({ orchestrationUrl: h.sandbox.url, apiKey: "sk_two" });
  assertEquals((await second.orchestration.listMachines()).items, []);
});

Deno.test("platform routes answer without x-api-key when requireApiAuth is false, ignoring any key", async () => {
  await using h = await harness({ requireApiAuth: false, apiKeys: ["sk_one"] });
  const api = keylessApi(h.sandbox);
  const { machine } = await verifiedMachine(api);
  assertEquals((await api.listMachines()).items.map((m) => m.id), [machine.id]);
  assertEquals((await api.getMachine(machine.id)).item.id, machine.id);
  const wrong = new PeaqosClient({ orchestrationUrl: h.sandbox.url, apiKey: "sk_wrong" });
  assertEquals((await wrong.orchestration.listMachines()).items.length, 1);
  const raw = await rawRequest(h.sandbox, "/api/v1/skills");
  assertEquals(raw.status, 200);
});

Deno.test("every response carries an x-request-id, errors included", async () => {
  await using h = await harness();
  const error = await assertApiError(h.api.getMachine("m_missing"), "NOT_FOUND", 404);
  assertExists(error.requestId);
  assertMatch(error.requestId, /^req_/);
  const health = await rawRequest(h.sandbox, "/health");
  assertEquals(health.status, 200);
  assertEquals((health.body as { status: string }).status, "ok");
  assertExists(health.headers.get("x-request-id"));
});

Deno.test("createSandboxApp() serves requests without a server (app.request)", async () => {
  const app = createSandboxApp({ apiKeys: ["sk_app"] });
  const res = await app.request("/api/v1/machines", { headers: { "x-api-key": "sk_app" } });
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { items: [] });
  const health = await app.request("/health");
  assertEquals(health.status, 200);
  await health.body?.cancel();
});

Deno.test("startSandbox() close() is idempotent and the port stops answering", async () => {
  const sandbox = await startSandbox();
  assertMatch(sandbox.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  await sandbox.close();
  await sandbox.close();
  let refused = false;
  try {
    await (await fetch(`${sandbox.url}/health`)).body?.cancel();
  } catch {
    refused = true;
  }
  assert(refused);
});

Deno.test("deno task sandbox (deno_bin.ts) prints the URL and API key and serves until stopped", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../sandbox/deno_bin.ts", import.meta.url).pathname,
      "--port",
      "0",
    ],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  const deadline = Date.now() + 20_000;
  try {
    while (!output.includes("PEAQOS_API_KEY=") || !output.includes("Ctrl-C")) {
      if (Date.now() > deadline) throw new Error(`Sandbox did not start: ${output}`);
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    const url = /PEAQOS_ORCHESTRATION_URL=(\S+)/.exec(output)?.[1];
    const apiKey = /PEAQOS_API_KEY=(\S+)/.exec(output)?.[1];
    assertExists(url);
    assertExists(apiKey);
    assertStringIncludes(url, "http://127.0.0.1:");
    const client = new PeaqosClient({ orchestrationUrl: url, apiKey });
    assertEquals((await client.orchestration.listMachines()).items, []);
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
  }
});

const json = { "content-type": "application/json" };

Deno.test("a POST repeated with its idempotency-key replays the first answer instead of acting twice", async () => {
  await using h = await harness();
  const key = { headers: { "idempotency-key": "create-rover-1" } };
  const body = { displayName: "Rover", machineType: "rover" };
  const first = await h.api.createMachine(body, key);
  const again = await h.api.createMachine(body, key);
  assertEquals(again, first);
  assertEquals(h.sandbox.context.store.machines.size, 1);
  // The replay is marked, with the first answer's status.
  const raw = await rawRequest(h.sandbox, "/api/v1/machines", {
    method: "POST",
    headers: { ...json, "x-api-key": h.sandbox.apiKey, "idempotency-key": "create-rover-1" },
    body: JSON.stringify(body),
  });
  assertEquals(raw.status, 201);
  assertEquals(raw.headers.get("idempotent-replayed"), "true");
  assertMatch(raw.headers.get("x-request-id") ?? "", /^req_/);
  assertEquals((raw.body as { item: { id: string } }).item.id, first.item.id);
  // Without a key, or with another one, the POST acts again.
  await h.api.createMachine(body);
  await h.api.createMachine(body, { headers: { "idempotency-key": "create-rover-2" } });
  assertEquals(h.sandbox.context.store.machines.size, 3);
});

Deno.test("an idempotency-key reused with a different body is 409 IDEMPOTENCY_KEY_REUSED", async () => {
  await using h = await harness();
  const key = { headers: { "idempotency-key": "k-1" } };
  await h.api.createMachine({ displayName: "Rover", machineType: "rover" }, key);
  await assertApiError(
    h.api.createMachine({ displayName: "Drone", machineType: "drone" }, key),
    "IDEMPOTENCY_KEY_REUSED",
    409,
  );
  // The same key on another route is another request.
  const { item } = await h.api.createMachineIdentityChallenge(
    { identityRef: "did:peaq:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23" },
    key,
  );
  assertEquals(item.verificationMethod, "eip191");
  assertEquals(h.sandbox.context.store.machines.size, 1);
});

Deno.test("idempotency keys are per caller and expire after 24 hours on the sandbox clock", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now, apiKeys: ["sk_a", "sk_b"] });
  const as = (apiKey: string) =>
    new PeaqosClient({ orchestrationUrl: h.sandbox.url, apiKey }).orchestration;
  const key = { headers: { "idempotency-key": "nightly" } };
  const body = { displayName: "Rover", machineType: "rover" };
  const a = await as("sk_a").createMachine(body, key);
  const b = await as("sk_b").createMachine(body, key);
  assert(a.item.id !== b.item.id, "another caller's key is another request");
  clock.advance(24 * 3600 - 1);
  assertEquals((await as("sk_a").createMachine(body, key)).item.id, a.item.id);
  clock.advance(1);
  const later = await as("sk_a").createMachine(body, key);
  assert(later.item.id !== a.item.id, "an expired key acts again");
  assertEquals(h.sandbox.context.store.machines.size, 3);
});

Deno.test("twenty concurrent createMarketOrder() calls with one idempotency-key create one order", async () => {
  await using m = await market();
  const { item: search } = await m.api.searchMarket(
    { machineId: m.machine.id, agentPairingId: m.pairing.id, operation: "echo" },
    m.token,
  );
  const quote = search.quotes[0]!;
  const params = {
    machineId: m.machine.id,
    agentPairingId: m.pairing.id,
    serviceId: quote.serviceId,
    searchId: search.id,
    quoteId: quote.id,
    input: { message: "hi" },
  };
  const options = { headers: { "idempotency-key": crypto.randomUUID() } };
  const results = await Promise.all(
    Array.from({ length: 20 }, () => m.api.createMarketOrder(params, m.token, options)),
  );
  assertEquals(new Set(results.map((r) => r.item.id)).size, 1);
  assertEquals(m.sandbox.context.store.orders.size, 1);
  // The quote was spent once: a new key is a new order, refused as the quote is used.
  await assertApiError(
    m.api.createMarketOrder(params, m.token, { headers: { "idempotency-key": "other" } }),
    "QUOTE_EXPIRED",
    409,
  );
});

Deno.test("an idempotency-key outside 1-255 characters is VALIDATION_ERROR naming the header", async () => {
  await using h = await harness();
  const res = await rawRequest(h.sandbox, "/api/v1/machines", {
    method: "POST",
    headers: { ...json, "x-api-key": h.sandbox.apiKey, "idempotency-key": "k".repeat(256) },
    body: JSON.stringify({ displayName: "Rover", machineType: "rover" }),
  });
  assertEquals(res.status, 400);
  assertEquals(
    ((res.body as ErrorEnvelope).error.details as { path: string }[]).map((d) => d.path),
    ["idempotency-key"],
  );
  assertEquals(h.sandbox.context.store.machines.size, 0);
});

// Runs `sandbox/deno_bin.ts` with `args` to completion (it must exit by itself).
async function serve(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../sandbox/deno_bin.ts", import.meta.url).pathname, ...args],
    stdin: "null",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("deno task sandbox --help lists every flag and exits 0", async () => {
  const { code, stdout } = await serve(["--help"]);
  assertEquals(code, 0);
  for (
    const flag of [
      "--port",
      "--hostname",
      "--api-key",
      "--no-api-auth",
      "--no-agent-auth",
      "--no-identity-verification",
      "--rpc-url",
      "--webhook-url",
      "--webhook-secret",
      "--help",
    ]
  ) assertStringIncludes(stdout, flag);
});

Deno.test("deno task sandbox refuses an unknown or mistyped flag with one line and exit code 2", async () => {
  const typo = await serve(["--prot", "8080"]);
  assertEquals(typo.code, 2);
  assertEquals(typo.stderr.trim().split("\n").length, 1);
  assertStringIncludes(typo.stderr, "Unknown flag '--prot': did you mean '--port'?");
  for (const args of [["--bogus"], ["stray"], ["--port"], ["--port", "99999"]]) {
    const run = await serve(args);
    assertEquals(run.code, 2, args.join(" "));
    assertEquals(run.stderr.trim().split("\n").length, 1, run.stderr);
    assertEquals(run.stdout, "");
  }
});

Deno.test("deno task sandbox reports a port in use in one line, without a stack trace", async () => {
  await using busy = await startSandbox();
  const port = new URL(busy.url).port;
  const run = await serve(["--port", port]);
  assertEquals(run.code, 1);
  assertEquals(run.stderr.trim(), `Cannot listen on 127.0.0.1:${port}: the port is already in use`);
});

Deno.test("createSandboxApp() refuses a malformed identities option at startup", () => {
  assertThrows(
    () => createSandboxApp({ identities: { "peaqos:machine:1": ["not-an-address"] } }),
    TypeError,
    "controller of 'peaqos:machine:1'",
  );
  assertThrows(() => createSandboxApp({ apiKeys: [""] }), TypeError, "apiKeys");
  assertThrows(
    () => createSandboxApp({ machineIdentityVerification: "optional" as "off" }),
    TypeError,
    "machineIdentityVerification",
  );
});
