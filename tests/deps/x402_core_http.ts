// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:@x402/core@2.27.0/http";
