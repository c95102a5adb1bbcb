// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:esbuild@0.27.3";
export { default } from "npm:esbuild@0.27.3";
