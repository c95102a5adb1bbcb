// Benchmark dependency, pinned here (see tests/deps/README.md): the peer SDK of bench/peers.ts.
export { OpenAI } from "npm:openai@6.49.0";
