// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:@x402/evm@2.27.0/exact/facilitator";
