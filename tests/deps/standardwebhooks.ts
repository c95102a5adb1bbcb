// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:standardwebhooks@1.1.1";
