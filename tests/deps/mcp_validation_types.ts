// Dependency fetched only when a module that imports it runs (see tests/deps/README.md).
export type * from "npm:@modelcontextprotocol/sdk@1.32.2/validation/types";
