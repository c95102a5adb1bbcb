// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:ethers@6.17.0";
