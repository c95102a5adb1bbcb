// The MCP endpoint's per-tenant limits (`worker/src/mcp/policy.ts`) on Deno: which policy a
// tenant gets, how a broken setting fails closed, and the spending cap's exact arithmetic.
import { assertEquals, assertThrows } from "@std/assert";
import type { Env } from "../../worker/src/env.ts";
import { EdgeError } from "../../worker/src/errors.ts";
import { checkSpendCap, mcpPolicy, TOOL_NAMES, x402Signer } from "../../worker/src/mcp/policy.ts";

const env = (vars: Partial<Record<"MCP_POLICIES" | "MCP_X402_KEYS", string>>) => vars as Env;

function refusal(run: () => unknown): EdgeError {
  return assertThrows(run, EdgeError) as EdgeError;
}

Deno.test("mcpPolicy() gives a tenant its own entry, else '*', else every tool without a cap", () => {
  const vars = env({
    MCP_POLICIES: JSON.stringify({
      ops: { tools: ["get_order", "search_market"], maxAmountPerCall: 2.5, currency: "USDC" },
      "*": { toolCallsPerMinute: 30, agentPairingId: "pair_1" },
    }),
  });
  const ops = mcpPolicy(vars, "ops");
  assertEquals(ops.tools, ["search_market", "get_order"], "in the endpoint's order");
  assertEquals([ops.maxAmountPerCall, ops.currency, ops.toolCallsPerMinute], [2.5, "USDC", 0]);
  const other = mcpPolicy(vars, "lab");
  assertEquals(other.tools, TOOL_NAMES);
  assertEquals([other.toolCallsPerMinute, other.agentPairingId], [30, "pair_1"]);
  const none = mcpPolicy(env({}), "ops");
  assertEquals([none.tools, none.maxAmountPerCall, none.currency], [
    TOOL_NAMES,
    undefined,
    undefined,
  ]);
});

Deno.test("mcpPolicy() fails closed on a broken MCP_POLICIES, naming the field", () => {
  const cases: [string, string][] = [
    ["{not json", "'MCP_POLICIES' is not JSON"],
    ['{"ops":{"tools":["buy_everything"]}}', "'ops.tools.0'"],
    ['{"ops":{"maxAmountPerCall":"5"}}', "'ops.maxAmountPerCall'"],
    ['{"ops":{"maxAmountPerCall":-1}}', "'ops.maxAmountPerCall'"],
    ['{"ops":{"cap":5}}', "'ops'"],
  ];
  for (const [raw, expected] of cases) {
    const error = refusal(() => mcpPolicy(env({ MCP_POLICIES: raw }), "ops"));
    assertEquals([error.status, error.code], [500, "EDGE_MISCONFIGURED"], raw);
    assertEquals(error.message.includes(expected), true, `${raw}: ${error.message}`);
  }
});

Deno.test("checkSpendCap() compares amounts exactly and refuses other currencies and unknown prices", () => {
  const policy = mcpPolicy(
    env({ MCP_POLICIES: '{"*":{"maxAmountPerCall":0.3,"currency":"USDC"}}' }),
    "t",
  );
  checkSpendCap(policy, { amount: 0.3, currency: "usdc" }, "x"); // equal, any case: allowed
  checkSpendCap(policy, { amount: 0, currency: "USDT" }, "x"); // free: allowed
  const over = refusal(() => checkSpendCap(policy, { amount: 0.1 + 0.2, currency: "USDC" }, "x"));
  assertEquals([over.status, over.code], [403, "EDGE_SPEND_CAP_EXCEEDED"]);
  const currency = refusal(() => checkSpendCap(policy, { amount: 0.01, currency: "USDT" }, "x"));
  assertEquals(currency.message.includes("'USDT'"), true);
  const unknown = refusal(() => checkSpendCap(policy, { amount: null, currency: null }, "x"));
  assertEquals(unknown.message.includes("no known price"), true);
  // Without a cap or currency, anything passes (the pairing's policy still applies upstream).
  checkSpendCap(mcpPolicy(env({}), "t"), { amount: 1e6, currency: "USDT" }, "x");
});

Deno.test("x402Signer() is off without a key and never echoes a bad one", () => {
  const key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  assertEquals(x402Signer(env({}), "t"), undefined);
  assertEquals(x402Signer(env({ MCP_X402_KEYS: JSON.stringify({ other: key }) }), "t"), undefined);
  const signer = x402Signer(env({ MCP_X402_KEYS: JSON.stringify({ t: key }) }), "t")!;
  assertEquals(signer.address, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
  const bad = `0x${"zz".repeat(32)}`;
  const error = refusal(() => x402Signer(env({ MCP_X402_KEYS: JSON.stringify({ t: bad }) }), "t"));
  assertEquals(error.code, "EDGE_MISCONFIGURED");
  assertEquals(error.message.includes(bad), false);
  assertEquals(
    refusal(() => x402Signer(env({ MCP_X402_KEYS: "[1]" }), "t")).code,
    "EDGE_MISCONFIGURED",
  );
});
