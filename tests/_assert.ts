/**
 * A thin stand-in for `jsr:@std/assert@^1` over `node:assert/strict`, with the same names and
 * argument orders. JSR cannot be reached from our machines; where it can, point the
 * `@std/assert` entry of `deno.json` at `jsr:@std/assert@^1` and nothing else changes.
 *
 * @module
 */
import nodeAssert from "node:assert/strict";

/** The error every failed assertion throws. */
export class AssertionError extends Error {
  /** Creates an assertion error with the given message. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function wrap(run: () => void, msg?: string): void {
  try {
    run();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new AssertionError(msg ? `${msg}: ${text}` : text);
  }
}

/** Asserts that `expr` is truthy. */
export function assert(expr: unknown, msg = "Expected value to be truthy"): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

/** Asserts that `expr` is falsy. */
export function assertFalse(expr: unknown, msg = "Expected value to be falsy"): void {
  if (expr) throw new AssertionError(msg);
}

/** Asserts deep equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  wrap(() => nodeAssert.deepStrictEqual(actual, expected), msg);
}

/** Asserts deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  wrap(() => nodeAssert.notDeepStrictEqual(actual, expected), msg);
}

/** Asserts `Object.is` equality. */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  wrap(() => nodeAssert.strictEqual(actual, expected), msg);
}

/** Asserts that a value is neither `null` nor `undefined`. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === null || actual === undefined) {
    throw new AssertionError(msg ?? `Expected actual to not be null or undefined`);
  }
}

/** Asserts that `actual` is an instance of `expectedType`. */
// deno-lint-ignore no-explicit-any
export function assertInstanceOf<T extends abstract new (...args: any[]) => any>(
  actual: unknown,
  expectedType: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  if (!(actual instanceof expectedType)) {
    const name = actual === null ? "null" : (actual as object)?.constructor?.name ?? typeof actual;
    throw new AssertionError(
      msg ?? `Expected object to be an instance of "${expectedType.name}" but was "${name}"`,
    );
  }
}

/** Asserts that `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  wrap(() => nodeAssert.match(actual, expected), msg);
}

/** Asserts that `actual` does not match the regular expression. */
export function assertNotMatch(actual: string, expected: RegExp, msg?: string): void {
  wrap(() => nodeAssert.doesNotMatch(actual, expected), msg);
}

/** Asserts that `actual` contains `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to contain: "${expected}"`);
  }
}

/** Asserts that `actual` includes every item of `expected` (deep equality). */
export function assertArrayIncludes<T>(
  actual: ArrayLike<T>,
  expected: ArrayLike<T>,
  msg?: string,
): void {
  const items = Array.from(actual);
  for (const wanted of Array.from(expected)) {
    const found = items.some((item) => {
      try {
        nodeAssert.deepStrictEqual(item, wanted);
        return true;
      } catch {
        return false;
      }
    });
    if (!found) {
      throw new AssertionError(msg ?? `Expected array to include ${JSON.stringify(wanted)}`);
    }
  }
}

/** Asserts that `actual` has at least the keys and values of `expected`, recursively. */
export function assertObjectMatch(
  actual: Record<PropertyKey, unknown>,
  expected: Record<PropertyKey, unknown>,
  msg?: string,
): void {
  const walk = (got: unknown, want: unknown, at: string): void => {
    if (want !== null && typeof want === "object" && !Array.isArray(want)) {
      if (got === null || typeof got !== "object") {
        throw new AssertionError(msg ?? `Expected an object at '${at}'`);
      }
      for (const [key, value] of Object.entries(want)) {
        walk((got as Record<string, unknown>)[key], value, `${at}.${key}`);
      }
      return;
    }
    wrap(() => nodeAssert.deepStrictEqual(got, want), msg ?? `Mismatch at '${at}'`);
  };
  walk(actual, expected, "$");
}

/** Asserts `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) throw new AssertionError(msg ?? `Expect ${actual} > ${expected}`);
}

/** Asserts `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) throw new AssertionError(msg ?? `Expect ${actual} >= ${expected}`);
}

/** Asserts `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) throw new AssertionError(msg ?? `Expect ${actual} < ${expected}`);
}

/** Asserts `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) throw new AssertionError(msg ?? `Expect ${actual} <= ${expected}`);
}

/** Fails unconditionally. */
export function fail(msg?: string): never {
  throw new AssertionError(msg ? `Failed assertion: ${msg}` : "Failed assertion.");
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

function checkError<E extends Error>(
  error: unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): E {
  if (ErrorClass && !(error instanceof ErrorClass)) {
    const name = (error as Error)?.constructor?.name ?? typeof error;
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${name}": ${String(error)}`,
    );
  }
  if (msgIncludes !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes(msgIncludes)) {
      throw new AssertionError(
        `Expected error message to include "${msgIncludes}", but got "${message}"`,
      );
    }
  }
  return error as E;
}

/** Asserts that `fn` throws; returns the error. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): E {
  try {
    fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected function to throw.");
}

/** Asserts that the promise returned by `fn` (or `fn` itself) rejects; resolves to the error. */
export async function assertRejects<E extends Error = Error>(
  fn: (() => PromiseLike<unknown>) | PromiseLike<unknown>,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): Promise<E> {
  let promise: PromiseLike<unknown>;
  if (typeof fn === "function") {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      throw new AssertionError(
        `Function throws synchronously instead of returning a rejected promise: ${String(error)}`,
      );
    }
    if (!result || typeof (result as PromiseLike<unknown>).then !== "function") {
      throw new AssertionError("Function did not return a promise.");
    }
    promise = result as PromiseLike<unknown>;
  } else {
    promise = fn;
  }
  try {
    await promise;
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected function to reject.");
}
