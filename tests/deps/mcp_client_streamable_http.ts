// Dependency fetched only when a module that imports it runs (see tests/deps/README.md).
// The package's `./*` export leaves `.js` subpaths untyped in Deno: take the types beside them.
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/client/streamableHttp"
export * from "npm:@modelcontextprotocol/sdk@1.32.2/client/streamableHttp.js";
