/**
 * `POST /mcp`: the Model Context Protocol endpoint (Streamable HTTP transport, stateless, JSON
 * responses) for AI agents, behind the edge key like `/v1` (tenant, rate limit, body limit). Each
 * request gets a fresh server and transport from the SDK's web-standard entry points, so nothing
 * is kept between requests and no Node API is needed. `GET` and `DELETE` (a standalone event
 * stream, session end) answer `405`: there are no sessions to stream to or end.
 *
 * @module
 */
// Types from the extensionless path: see `mcp/server.ts`.
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { errorResponse } from "../errors.ts";
import { mcpPolicy } from "../mcp/policy.ts";
import { mcpServer } from "../mcp/server.ts";

const notAllowed = () =>
  errorResponse(
    405,
    "METHOD_NOT_ALLOWED",
    "This MCP endpoint is stateless: send JSON-RPC with POST",
    null,
    { allow: "POST" },
  );

/**
 * The MCP route, mounted at `/mcp` behind the edge key.
 *
 * @example
 * ```ts ignore
 * app.use("/mcp", requireClientKey, rateLimit);
 * app.route("/mcp", mcp);
 * ```
 */
export const mcp = new Hono<AppEnv>()
  .post("/", async (c) => {
    const tenant = c.get("tenant");
    // Read before anything is served: a bad MCP_POLICIES fails closed with EDGE_MISCONFIGURED.
    const policy = mcpPolicy(c.env, tenant);
    const server = mcpServer(c.env, tenant, policy);
    // No `sessionIdGenerator`: stateless, every request stands alone.
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  })
  .get("/", notAllowed)
  .delete("/", notAllowed);
