/**
 * The MCP server of one request: the SDK's `McpServer` with the tools the tenant's policy exposes,
 * each call rate-limited, answered as compact JSON (or as an MCP tool error carrying the API's
 * code and message, never a secret) and recorded on the order it acted on (`mcp.tool_call`).
 *
 * @module
 */
// The SDK's `./*` export maps `x.js` to types at `x.js.d.ts`, which do not exist; Deno needs the
// extensionless path for the types (esbuild and wrangler ignore the comment; type imports are
// erased).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import type { JsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types";
import { VERSION } from "../../../mod.ts";
import type { Env } from "../env.ts";
import { EdgeError, errorAnswer } from "../errors.ts";
import { ledger } from "../ledger.ts";
import type { McpPolicy, ToolName } from "./policy.ts";
import type { ToolContext } from "./context.ts";
import { type Tool, TOOLS } from "./tools.ts";

const INSTRUCTIONS = "Buy machine services on peaq's Machine Markets as the paired agent. " +
  "Flow: search_market -> get_market_service (operations, exampleInput) -> create_order -> " +
  "pay_order (when payment is required) -> execute_order -> confirm_order, or dispute_order if " +
  "the delivery is wrong. Amounts are plain numbers in the stated currency. Errors carry the " +
  "API's code (e.g. AGENT_SPEND_LIMIT_EXCEEDED, EDGE_SPEND_CAP_EXCEEDED, PAYMENT_REQUIRED).";

/**
 * JSON Schema validation is only used by the SDK for elicitation answers, which a stateless
 * server never asks for; refusing keeps Ajv from being set up on every request.
 */
const noJsonSchemaValidation = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return () => ({
      valid: false,
      data: undefined,
      errorMessage: "JSON Schema validation is not available",
    });
  },
};

function textResult(value: unknown, isError = false): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value) }],
    ...(isError ? { isError: true } : {}),
  };
}

/** Counts one tool call against the policy's `toolCallsPerMinute` (the Ledger's limiter). */
async function limitToolCalls(
  env: Env,
  tenant: string,
  policy: McpPolicy,
): Promise<void> {
  if (policy.toolCallsPerMinute <= 0) return;
  const verdict = await ledger(env, `rate:mcp:${tenant}`).hitRate(
    policy.toolCallsPerMinute,
  );
  if (!verdict.allowed) {
    throw new EdgeError(
      429,
      "RATE_LIMITED",
      "Too many tool calls for this key",
      {
        retryAfterSeconds: verdict.retryAfterSeconds,
      },
    );
  }
}

async function callTool(
  env: Env,
  tenant: string,
  policy: McpPolicy,
  name: ToolName,
  tool: Tool,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  let orderId: string | undefined;
  const details: string[] = [];
  const ctx: ToolContext = {
    env,
    tenant,
    policy,
    onOrder: (id) => (orderId = id),
    note: (detail) => details.push(detail),
  };
  let outcome = "ok";
  let result: CallToolResult;
  try {
    await limitToolCalls(env, tenant, policy);
    result = textResult(await tool.run(ctx, args));
  } catch (err) {
    const { code, message, details: errorDetails } = errorAnswer(err);
    outcome = code;
    result = textResult(
      { error: { code, message, details: errorDetails } },
      true,
    );
  }
  if (orderId !== undefined) {
    try {
      await ledger(env, `order:${orderId}`).recordToolCall({
        tool: name,
        outcome,
        detail: details.length > 0 ? details.join("; ") : null,
      });
    } catch (err) {
      // The call took effect: its answer must reach the agent even if the record could not.
      console.error(
        `edge: could not record MCP tool call '${name}' on order '${orderId}':`,
        err instanceof Error ? err.name : typeof err,
      );
    }
  }
  return result;
}

/**
 * A fresh MCP server for one request of `tenant`, exposing the tools `policy` allows.
 *
 * @example
 * ```ts ignore
 * const server = mcpServer(env, "ops", mcpPolicy(env, "ops"));
 * await server.connect(transport);
 * ```
 */
export function mcpServer(
  env: Env,
  tenant: string,
  policy: McpPolicy,
): McpServer {
  const server = new McpServer(
    { name: "peaqos-edge", title: "peaq Machine Markets", version: VERSION },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: noJsonSchemaValidation },
  );
  for (const name of policy.tools) {
    const tool = TOOLS[name];
    server.registerTool(
      name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args: Record<string, unknown>) => callTool(env, tenant, policy, name, tool, args),
    );
  }
  return server;
}
