// Benchmark dependency, pinned here (see tests/deps/README.md): the peer SDK of bench/peers.ts.
export { Octokit } from "npm:@octokit/core@7.0.8";
