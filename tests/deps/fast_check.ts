// Test and benchmark dependency, pinned here (see tests/deps/README.md).
export * from "npm:fast-check@4.11.0";
export { default } from "npm:fast-check@4.11.0";
