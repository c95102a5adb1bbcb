// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:miniflare@4.20260426.0";

/** The pinned package, for code that must resolve files beside it (`createRequire`). */
export const MINIFLARE_PACKAGE = "npm:miniflare@4.20260426.0";
