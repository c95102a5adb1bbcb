// The local run (`deno task local`, README "Run it locally"): its settings agree across
// `scripts/local.ts`, `worker/.dev.vars.example`, `worker/wrangler.jsonc`, `worker/package.json`
// and the READMEs, and the whole story works: the sandbox's signed webhooks reach the Worker
// (in workerd, with `.dev.vars.example`'s settings and no outbound routing), the Worker calls
// the loopback provider over plain http on 127.0.0.1 and confirms the order.
// `scripts/test_worker_build.ts` runs the same story against `wrangler dev`.
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import {
  checkDevVars,
  LOCAL_RUN,
  localCatalogue,
  parseDevVars,
  startLocal,
} from "../../scripts/local.ts";
import { startLoopbackProvider } from "../../scripts/loopback_provider.ts";
import { freePort, startWorker } from "../_worker.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const devVarsExample = async () => parseDevVars(await read("worker/.dev.vars.example"));

Deno.test("checkDevVars() finds worker/.dev.vars.example in line with the local run", async () => {
  assertEquals(await checkDevVars(await devVarsExample()), []);
});

Deno.test("checkDevVars() names each setting that would break the local run, never its value", async () => {
  const vars = {
    ...await devVarsExample(),
    PEAQOS_ORCHESTRATION_URL: "http://127.0.0.1:8787",
    PEAQOS_API_KEY: "sk_other",
    PEAQOS_WEBHOOK_SECRET: "whsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3Qtc2hvdw==",
    EDGE_CLIENT_KEYS: `dev=${"a".repeat(64)}`,
    HANDOFF_ALLOWED_HOSTS: "partner.example",
    HANDOFF_ALLOW_LOOPBACK_HTTP: "false",
  };
  const problems = await checkDevVars(vars);
  assertEquals(problems.map((problem) => /^'(\w+)'/.exec(problem)?.[1]), [
    "PEAQOS_ORCHESTRATION_URL",
    "PEAQOS_API_KEY",
    "PEAQOS_WEBHOOK_SECRET",
    "EDGE_CLIENT_KEYS",
    "HANDOFF_ALLOWED_HOSTS",
    "HANDOFF_ALLOW_LOOPBACK_HTTP",
  ]);
  assert(!problems.join("\n").includes(vars.PEAQOS_WEBHOOK_SECRET));
});

Deno.test("parseDevVars() reads KEY=value lines as wrangler does, comments and quotes included", () => {
  assertEquals(
    parseDevVars('# note\nA=1\n  B = two words \nC="quoted"\nD={"k":{"v":1}}\nnot a line\nE=\n'),
    { A: "1", B: "two words", C: "quoted", D: '{"k":{"v":1}}', E: "" },
  );
});

Deno.test("wrangler.jsonc serves the Worker on the local run's port, loopback http off", async () => {
  const config = JSON.parse(
    (await read("worker/wrangler.jsonc")).replace(/^\s*\/\/.*$/gm, "").replace(
      /,(\s*[}\]])/g,
      "$1",
    ),
  ) as { dev: { ip: string; port: number }; vars: Record<string, string> };
  assertEquals(config.dev, { ip: "127.0.0.1", port: LOCAL_RUN.workerPort });
  // Deployed, the loopback escape is off; only the dev settings turn it on.
  assertEquals(config.vars.HANDOFF_ALLOW_LOOPBACK_HTTP, "false");
});

const hasNode = await new Deno.Command("node", { args: ["--version"], stdout: "null" }).output()
  .then((output) => output.success, () => false);

Deno.test({
  name: "npm run dev creates .dev.vars from .dev.vars.example once, and never overwrites it",
  ignore: !hasNode,
  async fn() {
    const { scripts } = JSON.parse(await read("worker/package.json")) as {
      scripts: Record<string, string>;
    };
    // Node 20 reads `--env-file` even after the script name and exits on a missing file, so the
    // dev script relies on wrangler's own `.dev.vars`, which `predev` provides.
    assertMatch(scripts.dev!, /wrangler dev$/);
    const dir = await Deno.makeTempDir({ prefix: "peaqos-predev-" });
    try {
      await Deno.writeTextFile(`${dir}/.dev.vars.example`, "A=example\n");
      const predev = () =>
        new Deno.Command("sh", { args: ["-c", scripts.predev!], cwd: dir }).output();
      assert((await predev()).success);
      assertEquals(await Deno.readTextFile(`${dir}/.dev.vars`), "A=example\n");
      await Deno.writeTextFile(`${dir}/.dev.vars`, "A=mine\n");
      assert((await predev()).success);
      assertEquals(await Deno.readTextFile(`${dir}/.dev.vars`), "A=mine\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("the READMEs give each piece the local run's ports", async () => {
  const ports = new Set(
    [LOCAL_RUN.workerPort, LOCAL_RUN.sandboxPort, LOCAL_RUN.providerPort].map(String),
  );
  for (const path of ["README.md", "sandbox/README.md", "worker/README.md"]) {
    const text = await read(path);
    for (const [port] of text.matchAll(/\b87[89]\d\b/g)) {
      assert(ports.has(port), `${path} names port ${port}`);
    }
    for (const [, port] of text.matchAll(/(?:task sandbox|peaqos-sandbox)[^\n]*--port (\d+)/g)) {
      assertEquals(Number(port), LOCAL_RUN.sandboxPort, `${path}: a sandbox on ${port}`);
    }
    for (const [, port] of text.matchAll(/--webhook-url http:\/\/127\.0\.0\.1:(\d+)/g)) {
      assertEquals(Number(port), LOCAL_RUN.workerPort, `${path}: webhooks to ${port}`);
    }
  }
  for (const path of ["README.md", "sandbox/README.md", "worker/README.md"]) {
    assertMatch(await read(path), /deno task local/, path);
  }
});

Deno.test("localCatalogue() moves every handoff service to the provider and leaves the rest alone", async () => {
  const builtIn = JSON.parse(await read("sandbox/catalogue.json")) as {
    services: { id: string; handoff: { url: string } | null; metadata: { runtime: string } }[];
  };
  const moved = localCatalogue("http://127.0.0.1:8789").services as typeof builtIn.services;
  assertEquals(moved.length, builtIn.services.length);
  const handoffs = moved.filter((service) => service.metadata.runtime === "handoff");
  assertEquals(handoffs.length, 5);
  for (const service of handoffs) {
    assertMatch(service.handoff!.url, /^http:\/\/127\.0\.0\.1:8789\/[a-z-]+\/[a-z]+$/, service.id);
    assert(!JSON.stringify(service).includes(".example/"), `${service.id} keeps no partner URL`);
  }
  assertEquals(
    moved.find((service) => service.id === LOCAL_RUN.handoffService)?.handoff?.url,
    "http://127.0.0.1:8789/manualhub/search",
  );
  const others = moved.filter((service) => service.metadata.runtime !== "handoff");
  assertEquals(
    others,
    builtIn.services.filter((service) => service.metadata.runtime !== "handoff"),
  );
});

Deno.test("startLoopbackProvider() accepts a handoff call, repeats its answer per idempotency key, refuses other bodies", async () => {
  await using provider = await startLoopbackProvider();
  const call = (body: unknown, key = "handoff_ord_1") =>
    fetch(`${provider.url}/manualhub/search`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });
  const handoff = {
    orderId: "ord_1",
    serviceId: "svc_manual_handoff",
    providerKey: "manualhub",
    operation: "lookup",
    input: { topic: "brakes" },
    credentials: { apiKey: "mh_secret" },
  };
  const first = await call(handoff);
  assertEquals(first.status, 200);
  const answer = await first.json();
  assertEquals(answer.accepted, true);
  const again = await call(handoff);
  assertEquals(await again.json(), answer);
  const bad = await call({ orderId: "ord_2" }, "handoff_ord_2");
  assertEquals(bad.status, 400);
  await bad.body?.cancel();
  assertEquals(provider.calls.map((c) => [c.orderId, c.path, c.withCredentials, c.replay]), [
    ["ord_1", "/manualhub/search", true, false],
    ["ord_1", "/manualhub/search", true, true],
  ]);
  assert(!JSON.stringify(provider.calls).includes("mh_secret"), "credentials are not kept");
});

/** The local run on free ports, and the Worker in workerd with `.dev.vars.example` moved to them. */
async function localRun(overrides: Record<string, string> = {}) {
  const workerPort = freePort();
  const local = await startLocal({
    sandboxPort: 0,
    providerPort: 0,
    workerUrl: `http://127.0.0.1:${workerPort}`,
    webhookRetryDelayMs: 50,
  });
  try {
    const worker = await startWorker({
      port: workerPort,
      // The Worker's own fetch, as under wrangler dev: nothing routed, nothing rewritten.
      direct: true,
      vars: {
        ...await devVarsExample(),
        PEAQOS_ORCHESTRATION_URL: local.sandbox.url,
        HANDOFF_ALLOWED_HOSTS: new URL(local.provider.url).host,
        ...overrides,
      },
    });
    return {
      local,
      async [Symbol.asyncDispose]() {
        await worker.stop();
        await local.close();
      },
    };
  } catch (error) {
    await local.close();
    throw error;
  }
}

Deno.test("startLocal() runs a handoff through the Worker: webhook in, loopback provider called once, order confirmed", async () => {
  await using run = await localRun();
  const { order, providerCalls, workerRecord } = await run.local.runHandoff({ timeoutMs: 30_000 });

  assertEquals(order.status, "confirmed");
  assertEquals(order.serviceId, LOCAL_RUN.handoffService);
  assertEquals(providerCalls.length, 1, "the provider is called exactly once");
  const [call] = providerCalls;
  assertEquals(call!.path, "/manualhub/search");
  assertEquals(call!.idempotencyKey, `handoff_${order.id}`);
  assertEquals(call!.input, { topic: "X-200 brake pads" });
  assert(call!.withCredentials, "PROVIDER_CREDENTIALS of .dev.vars.example reach the provider");

  const types = workerRecord.events.map((event) => event.type);
  for (const type of ["order.created", "order.handoff"]) {
    assertEquals(types.filter((t) => t === type).length, 1, `${type} received once`);
  }
  assertEquals(workerRecord.handoff?.state, "confirmed");
  assertEquals(workerRecord.handoff?.statusCode, 200);
  assertEquals(workerRecord.deadLetters, []);
});

Deno.test("startLocal()'s handoff is refused, and the provider never called, without HANDOFF_ALLOW_LOOPBACK_HTTP", async () => {
  await using run = await localRun({ HANDOFF_ALLOW_LOOPBACK_HTTP: "false" });
  await assertRejects(
    () => run.local.runHandoff({ timeoutMs: 30_000 }),
    Error,
    "Handoff URL must use https: received 'http:'",
  );
  assertEquals(run.local.provider.calls.length, 0);
});
