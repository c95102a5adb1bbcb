/**
 * The sandbox's HTTP layer over 127.0.0.1: the error envelope for unknown routes, malformed
 * JSON, oversized bodies and API-key auth; x-request-id; `createSandboxApp()` without a
 * server; and `deno task sandbox` (`sandbox/serve.ts`) serving and printing its URL and key.
 */
import {
  assert,
  assertEquals,
  assertExists,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { PeaqosClient } from "../mod.ts";
import { createSandboxApp, MAX_BODY_BYTES, startSandbox } from "../sandbox/mod.ts";
import { assertApiError, harness, rawRequest } from "./_sandbox_platform.ts";

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

Deno.test("deno task sandbox (serve.ts) prints the URL and API key and serves until stopped", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../sandbox/serve.ts", import.meta.url).pathname, "--port", "0"],
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

Deno.test("createSandboxApp() refuses a malformed identities option at startup", () => {
  assertThrows(
    () => createSandboxApp({ identities: { "peaqos:machine:1": ["not-an-address"] } }),
    TypeError,
    "controller of 'peaqos:machine:1'",
  );
  assertThrows(() => createSandboxApp({ apiKeys: [""] }), TypeError, "apiKeys");
});
