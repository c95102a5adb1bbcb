/**
 * `deno task demo` as a user runs it: a subprocess with the task's permissions. It must exit 0,
 * print every step of the story and the summary, and print no secret.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";

const root = new URL("../../", import.meta.url);

async function runDemo(): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "scripts/demo.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("demo runs the whole story offline, exits 0 and prints no secrets", async () => {
  const { code, stdout, stderr } = await runDemo();
  assertEquals(code, 0, `demo failed:\n${stdout}\n${stderr}`);
  const expected = [
    /^Identity +challenge \S+ for did:peaq:0x[0-9a-fA-F]{40}$/m,
    /^Machine +m_\S+ "Demo Rover" created: active, identity verified$/m,
    /^Agent +machine agent \S+ enrolled for 'ollama' and heartbeating$/m,
    /endpoint http:\/\/127\.0\.0\.1:\d+ \(source agent, lease until /,
    /^Pairing +agent 0x[0-9a-fA-F]{40} paired as \S+ with a signed proof$/m,
    /delegation: 30 per order, 50 USDT per day/,
    /^Search +'chat llm' under 1 USDT: matched/m,
    // Money is a JSON number: 0.2, not "0.20".
    / svc_ollama_chat +0\.2 USDT /,
    /^Order +ord_\S+ for svc_ollama_chat: created$/m,
    /^Payment +intent \S+: 0\.2 USDT on 'offchain-record' → proof recorded → held$/m,
    /^Execute +native run \S+ succeeded on the machine's 'ollama' endpoint$/m,
    /output: "Route A is clear; battery at 82%\. \(Is route A clear\?\)"/,
    /^Confirm +order confirmed, payment release_pending$/m,
    /^Release +payment released$/m,
    /^Handoff +202 → Continue on RideHail Co: https:\/\/partners\.ridehail\.example\/book$/m,
    /^Payment +intent \S+: 25 USDT on 'escrow' → escrow locked → held$/m,
    /^Dispute +\S+ opened: order disputed, payment frozen$/m,
    /^Service +svc_x402_price_feed "Spot price feed \(x402\)": 0\.01 USDC per_request, rail 'x402'$/m,
    /operation 'get-price', example input \{"pair":"ETH\/USD"\}/,
    /^x402 +x402 payment challenge → x402 signing → x402 payment proof → execute → confirm$/m,
    /: price \d+(\.\d+)? for ETH\/USD; payment released, settled in 0x[0-9a-f]{8}…$/m,
    /4 orders: svc_ollama_chat confirmed, svc_ride_handoff confirmed, svc_sim_route disputed, svc_x402_price_feed confirmed/,
    /spent 43\.6 USDT and 0\.01 USDC today \(limits 50 USDT and 5 USDC\); payments released, released, frozen, released/,
    /27 webhooks delivered and verified/,
  ];
  for (const pattern of expected) assertMatch(stdout, pattern);
  // Steps appear in story order.
  const order = [
    "Identity",
    "Machine",
    "Agent",
    "Pairing",
    "Search",
    "Order",
    "Payment",
    "Execute",
    "Confirm",
    "Release",
    "Handoff",
    "Dispute",
    "Service",
    "x402",
    "Summary",
  ];
  const positions = order.map((label) => stdout.search(new RegExp(`^${label}`, "m")));
  assert(
    positions.every((position, i) => position >= 0 && (i === 0 || position > positions[i - 1]!)),
    positions.join(","),
  );

  const output = stdout + stderr;
  for (
    const secret of [
      /eyJ[\w-]+\./,
      /sk_sandbox/,
      /whsec_/,
      /mat_/,
      /0x[0-9a-fA-F]{64}(?![0-9a-fA-F])/,
    ]
  ) {
    assert(!secret.test(output), `demo output leaks ${secret}`);
  }
});

/** Replaces what differs from run to run (ids, addresses, ports, times) with placeholders. */
function normalize(output: string): string[] {
  return output.split("\n")
    .map((line) =>
      line.replace(/\b[a-z]{1,4}_[0-9a-f]{16}\b/g, "<id>")
        .replace(/0x[0-9a-fA-F]{8,}/g, "<hex>")
        .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>")
        .replace(/^Done in [\d.]+ s\.$/, "Done in <s> s.")
        .trimEnd()
    )
    .filter((line) => line !== "");
}

Deno.test("the README's demo sample is a real run: the same lines but for ids, addresses, ports and times", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const block = /<!-- demo:start -->\s*```\n([\s\S]*?)```\s*<!-- demo:end -->/.exec(readme);
  assert(block, "README.md has a demo sample between <!-- demo:start --> and <!-- demo:end -->");
  const { code, stdout } = await runDemo();
  assertEquals(code, 0);
  assertEquals(normalize(block[1]!), normalize(stdout));
});
