/**
 * `PeaqosClient`: construction, `fromEnv`, the lazy `orchestration` namespace, URL checks,
 * the plain-http warning, the `fetch` option and base paths.
 */
import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { OrchestrationClient, OrchestrationConfigError, PeaqosClient } from "../../mod.ts";
import type { FetchLike } from "../../mod.ts";
import { API_KEY, orchestrationFor, startServer } from "../_recording_server.ts";

const ENV_NAMES = ["PEAQOS_ORCHESTRATION_URL", "PEAQOS_API_KEY"] as const;

/** Runs `fn` with the given process environment, restoring it afterwards. */
async function withEnv(
  values: Partial<Record<(typeof ENV_NAMES)[number], string>>,
  fn: () => Promise<void>,
): Promise<void> {
  const saved = ENV_NAMES.map((name) => [name, Deno.env.get(name)] as const);
  try {
    for (const name of ENV_NAMES) {
      const value = values[name];
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
}

/** Captures `console.warn` while `fn` runs. */
function captureWarnings(fn: () => void): string[] {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  };
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return warnings;
}

Deno.test("new PeaqosClient() accepts the on-chain options without touching them", () => {
  const client = new PeaqosClient({
    orchestrationUrl: "https://orchestration.example",
    apiKey: API_KEY,
    rpcUrl: "https://rpc.example",
    privateKey: "0x01",
    contracts: { registry: "0xabc" },
  });
  assertEquals(client.orchestrationUrl, "https://orchestration.example");
  assertInstanceOf(client.orchestration, OrchestrationClient);
});

Deno.test("new PeaqosClient() without options constructs; the namespace is what fails", () => {
  const client = new PeaqosClient();
  const error = assertThrows(() => client.orchestration, OrchestrationConfigError);
  assertStringIncludes(error.message, "orchestrationUrl");
});

Deno.test("PeaqosClient.orchestration is lazy and cached per client", async () => {
  await using server = startServer({ body: { items: [] } });
  const client = new PeaqosClient({ orchestrationUrl: server.url, apiKey: API_KEY });
  const first = client.orchestration;
  assertStrictEquals(client.orchestration, first);
  const other = new PeaqosClient({ orchestrationUrl: server.url, apiKey: API_KEY });
  assert(other.orchestration !== first, "each client has its own namespace");
  assertEquals(server.requests.length, 0, "creating the namespace sends nothing");
  await first.listMachines();
  assertEquals(server.requests.length, 1);
});

for (
  const url of [
    "",
    "not a url",
    "orchestration.example",
    "ftp://orchestration.example",
    "file:///etc/hosts",
    "ws://127.0.0.1:1",
    "https://user:pass@orchestration.example",
  ]
) {
  Deno.test(`PeaqosClient.orchestration throws OrchestrationConfigError for '${url}'`, () => {
    const client = new PeaqosClient({ orchestrationUrl: url, apiKey: API_KEY });
    const error = assertThrows(() => client.orchestration, OrchestrationConfigError);
    assertStringIncludes(error.message, "orchestrationUrl");
    assertFalse(error.message.includes("pass@"), "embedded credentials are not echoed");
  });
}

for (const url of ["localhost:8788", "127.0.0.1:8788", "orchestration.peaq.xyz"]) {
  Deno.test(`PeaqosClient.orchestration tells to add http:// for '${url}'`, () => {
    const client = new PeaqosClient({ orchestrationUrl: url });
    const error = assertThrows(() => client.orchestration, OrchestrationConfigError);
    assertStringIncludes(
      error.message,
      `add 'http://' or 'https://' in front, e.g. 'http://${url}'`,
    );
  });
}

Deno.test("PeaqosClient.fromEnv() reads PEAQOS_LOG as the log level", async () => {
  await using server = startServer();
  const lines: string[] = [];
  const logger = { debug: (l: string) => lines.push(l), info: () => {}, warn: () => {} };
  const client = PeaqosClient.fromEnv(
    { PEAQOS_ORCHESTRATION_URL: server.url, PEAQOS_LOG: "DEBUG" },
    { logger },
  );
  await client.orchestration.getMachine("m-1");
  assertEquals(lines.length, 2);
  assertThrows(
    () => PeaqosClient.fromEnv({ PEAQOS_LOG: "verbose" }),
    OrchestrationConfigError,
    "PEAQOS_LOG",
  );
});

Deno.test("PeaqosClient.fromEnv() reads PEAQOS_ORCHESTRATION_URL and PEAQOS_API_KEY from Deno.env", async () => {
  await using server = startServer({ body: { items: [] } });
  await withEnv(
    { PEAQOS_ORCHESTRATION_URL: server.url, PEAQOS_API_KEY: "env-api-key" },
    async () => {
      const client = PeaqosClient.fromEnv();
      assertEquals(client.orchestrationUrl, server.url);
      await client.orchestration.listMachines();
    },
  );
  assertEquals(server.requests.length, 1);
  assertEquals(server.requests[0]!.headers["x-api-key"], "env-api-key");
});

Deno.test("PeaqosClient.fromEnv() without the variables fails on first use of the namespace", async () => {
  await withEnv({}, () => {
    const client = PeaqosClient.fromEnv();
    assertThrows(() => client.orchestration, OrchestrationConfigError);
    return Promise.resolve();
  });
});

Deno.test("PeaqosClient.fromEnv(env) reads an explicit object, not the process environment", async () => {
  await using server = startServer({ body: { items: [] } });
  await withEnv(
    { PEAQOS_ORCHESTRATION_URL: "http://127.0.0.1:1", PEAQOS_API_KEY: "process-key" },
    async () => {
      const client = PeaqosClient.fromEnv({
        PEAQOS_ORCHESTRATION_URL: server.url,
        PEAQOS_API_KEY: "object-key",
      });
      await client.orchestration.listMachines();
    },
  );
  assertEquals(server.requests[0]!.headers["x-api-key"], "object-key");
});

Deno.test("PeaqosClient.fromEnv(env) treats empty values as missing and lets overrides win", () => {
  const empty = PeaqosClient.fromEnv({ PEAQOS_ORCHESTRATION_URL: "", PEAQOS_API_KEY: "" });
  assertStrictEquals(empty.orchestrationUrl, undefined);
  assertThrows(() => empty.orchestration, OrchestrationConfigError);
  const overridden = PeaqosClient.fromEnv(
    { PEAQOS_ORCHESTRATION_URL: "https://from-env.example" },
    { orchestrationUrl: "https://override.example" },
  );
  assertEquals(overridden.orchestrationUrl, "https://override.example");
});

Deno.test("PeaqosClient.orchestration warns once for plain http:// to a non-loopback host", () => {
  const origin = `http://orchestration-${crypto.randomUUID()}.example`;
  const warnings = captureWarnings(() => {
    new PeaqosClient({ orchestrationUrl: origin, apiKey: API_KEY }).orchestration;
    new PeaqosClient({ orchestrationUrl: `${origin}/base`, apiKey: API_KEY }).orchestration;
  });
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0]!, origin);
  assertFalse(warnings[0]!.includes(API_KEY));
});

Deno.test("PeaqosClient.orchestration does not warn for https:// or loopback http://", () => {
  const warnings = captureWarnings(() => {
    for (
      const url of [
        `https://orchestration-${crypto.randomUUID()}.example`,
        "http://127.0.0.1:8787",
        "http://127.5.6.7:1",
        "http://localhost:8787",
        "http://api.localhost:8787",
        "http://[::1]:8787",
      ]
    ) {
      new PeaqosClient({ orchestrationUrl: url, apiKey: API_KEY }).orchestration;
    }
  });
  assertEquals(warnings, []);
});

Deno.test("PeaqosClient fetch option is used for every request, called as a plain function", async () => {
  const calls: { url: string; init: RequestInit }[] = [];
  // Browsers' and Workers' fetch reject a foreign `this` ("Illegal invocation").
  const strictFetch = function (this: unknown, input: string, init: RequestInit) {
    if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
    calls.push({ url: input, init });
    return Promise.resolve(Response.json({ items: [{ id: "m-1" }] }));
  } as FetchLike;
  const api = new PeaqosClient({
    orchestrationUrl: "https://orchestration.example",
    apiKey: API_KEY,
    fetch: strictFetch,
  }).orchestration;
  const page = await api.listMachines({ limit: 3 });
  assertEquals(page.items, [{ id: "m-1" }] as never);
  assertEquals(calls.length, 1);
  assertEquals(calls[0]!.url, "https://orchestration.example/api/v1/machines?limit=3");
  assertEquals(calls[0]!.init.method, "GET");
  assertEquals(new Headers(calls[0]!.init.headers).get("x-api-key"), API_KEY);
  assertEquals(calls[0]!.init.redirect, "manual");
  assertInstanceOf(calls[0]!.init.signal, AbortSignal);
});

Deno.test("PeaqosClient without a fetch option looks the global fetch up at call time", async () => {
  const api = new PeaqosClient({
    orchestrationUrl: "https://orchestration.example",
    apiKey: API_KEY,
  }).orchestration;
  const original = globalThis.fetch;
  const seen: string[] = [];
  // Installed after the client exists: a call-time lookup must still find it.
  globalThis.fetch = ((input: string | URL | Request) => {
    seen.push(String(input));
    return Promise.resolve(Response.json({ item: { id: "m-1" } }));
  }) as typeof fetch;
  try {
    const { item } = await api.getMachine("m-1");
    assertEquals(item, { id: "m-1" } as never);
  } finally {
    globalThis.fetch = original;
  }
  assertEquals(seen, ["https://orchestration.example/api/v1/machines/m-1"]);
});

Deno.test("the global fetch gets no 'method' on a GET (its default) and the method on anything else", async () => {
  const api = new PeaqosClient({
    orchestrationUrl: "https://orchestration.example",
    apiKey: API_KEY,
  }).orchestration;
  const original = globalThis.fetch;
  const methods: (string | undefined)[] = [];
  globalThis.fetch = ((_input: string | URL | Request, init?: RequestInit) => {
    methods.push(init?.method);
    const request = new Request("https://orchestration.example/", init);
    methods.push(request.method);
    return Promise.resolve(Response.json({ item: { id: "m-1" } }));
  }) as typeof fetch;
  try {
    await api.getMachine("m-1");
    await api.updateMachine("m-1", { displayName: "Arm" });
  } finally {
    globalThis.fetch = original;
  }
  // What the runtime sees is GET either way: omitting it only spares fetch a conversion.
  assertEquals(methods, [undefined, "GET", "PATCH", "PATCH"]);
});

for (
  const [suffix, expected] of [
    ["", "/api/v1/machines"],
    ["/", "/api/v1/machines"],
    ["/prefix", "/prefix/api/v1/machines"],
    ["/prefix/", "/prefix/api/v1/machines"],
    ["/a/b//", "/a/b/api/v1/machines"],
  ] as const
) {
  Deno.test(`PeaqosClient keeps the base path of orchestrationUrl '<origin>${suffix}'`, async () => {
    await using server = startServer({ body: { items: [] } });
    await orchestrationFor({ url: `${server.url}${suffix}` }).listMachines();
    assertEquals(server.requests.map((r) => r.path), [expected]);
  });
}
