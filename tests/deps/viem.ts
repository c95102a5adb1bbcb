// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:viem@2.57.20";
