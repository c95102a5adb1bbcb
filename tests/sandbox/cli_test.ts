/**
 * The sandbox command's test-control flags (`cli.ts`, shared by `deno task sandbox` and the npm
 * package's `peaqos-sandbox`): `--test-controls`, `--catalogue` and `--seed`, and their errors.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { CliError, parseSandboxArgs } from "../../sandbox/cli.ts";
import catalogue from "../../sandbox/catalogue.json" with { type: "json" };

const SERVE = new URL("../../sandbox/deno_bin.ts", import.meta.url).pathname;

async function serve(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, ...args],
    stdin: "null",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("parseSandboxArgs() maps --test-controls, --catalogue and --seed", () => {
  const plan = parseSandboxArgs(
    ["--test-controls", "--catalogue", "c.json", "--seed", "s.json", "--port", "8788"],
    "peaqos-sandbox",
  );
  assert(!plan.help);
  assertEquals(plan.options.testControls, true);
  assertEquals(plan.options.port, 8788);
  assertEquals([plan.cataloguePath, plan.seedPath], ["c.json", "s.json"]);
  assertEquals(parseSandboxArgs([], "x").help ? undefined : "ok", "ok");
});

Deno.test("parseSandboxArgs() names the command in its errors and suggests flags", () => {
  const error = assertThrows(
    () => parseSandboxArgs(["--test-control"], "peaqos-sandbox"),
    CliError,
  );
  assertEquals(error.exitCode, 2);
  assertEquals(
    error.message,
    "Unknown flag '--test-control': did you mean '--test-controls'? (see 'peaqos-sandbox --help')",
  );
  const help = parseSandboxArgs(["--help"], "peaqos-sandbox");
  assert(help.help && help.text.startsWith("Usage: peaqos-sandbox [flags]"));
});

Deno.test("deno task sandbox --seed and --catalogue serve the seeded machines and the catalogue", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const echo = catalogue.services.find((service) => service.id === "svc_sim_echo")!;
    await Deno.writeTextFile(
      `${dir}/catalogue.json`,
      JSON.stringify({ services: [{ ...echo, id: "svc_only" }] }),
    );
    await Deno.writeTextFile(
      `${dir}/seed.json`,
      JSON.stringify({ machines: [{ displayName: "Seeded", machineType: "rover" }] }),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        SERVE,
        "--api-key",
        "sk_cli",
        "--catalogue",
        `${dir}/catalogue.json`,
        "--seed",
        `${dir}/seed.json`,
      ],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let output = "";
    try {
      while (!output.includes("Ctrl-C")) {
        const { value, done } = await reader.read();
        if (done) break;
        output += value;
      }
      assertStringIncludes(output, "Seeded: 1 machines, 0 pairings, 0 services");
      assertStringIncludes(output, "Catalogue: 1 services");
      const url = /PEAQOS_ORCHESTRATION_URL=(\S+)/.exec(output)![1]!;
      const headers = { "x-api-key": "sk_cli" };
      const machines = await (await fetch(`${url}/api/v1/machines`, { headers })).json();
      assertEquals(machines.items.map((m: { displayName: string }) => m.displayName), ["Seeded"]);
      const services = await (await fetch(`${url}/api/v1/market/services`, { headers })).json();
      assertEquals(services.items.map((s: { id: string }) => s.id), ["svc_only"]);
    } finally {
      child.kill("SIGTERM");
      await reader.cancel();
      await child.status;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task sandbox reports an unreadable or invalid --catalogue in one line with exit code 1", async () => {
  const missing = await serve(["--catalogue", "/nonexistent/catalogue.json"]);
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr.trim(),
    "Cannot read '--catalogue' file '/nonexistent/catalogue.json': ENOENT",
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ services: [{ id: "x" }] }));
    const bad = await serve(["--catalogue", `${dir}/bad.json`]);
    assertEquals(bad.code, 1);
    assertEquals(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assertStringIncludes(bad.stderr, "Invalid catalogue");
    assertStringIncludes(bad.stderr, "services.0.skillKey");
    await Deno.writeTextFile(
      `${dir}/seed.json`,
      JSON.stringify({ pairings: [{ machine: "m_x" }] }),
    );
    const seed = await serve(["--seed", `${dir}/seed.json`]);
    assertEquals(seed.code, 1);
    assertStringIncludes(
      seed.stderr,
      "Cannot seed the sandbox: NOT_FOUND: Seed failed at pairings[0]",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
