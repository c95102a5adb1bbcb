/**
 * Property tests of `sanitizeBody`: for arbitrary nested objects and arrays, with shared
 * references and cycles, and keys that spell the secret words in any case and position, the
 * result holds no secret-named field with a value other than `"[REDACTED]"` at any depth, is
 * acyclic, shares no object with the input, keeps every other value, and the input is left
 * exactly as it was.
 *
 * Knobs: `FUZZ_RUNS`, `FUZZ_SEED` (see `tests/_fuzz.ts`).
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals } from "@std/assert";
import { REDACTED, sanitizeBody } from "../../mod.ts";
import { fuzzParams } from "../_fuzz.ts";

// The SDK document's six words, plus `signature`, which `sanitizeBody` documents as well.
const SECRET_WORDS = ["token", "key", "secret", "password", "credential", "auth", "signature"];
const SECRET_NAME = new RegExp(SECRET_WORDS.join("|"), "i");

/** A word with each letter's case chosen at random. */
const anyCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) =>
    [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")
  );

const secretName = fc.tuple(
  fc.string({ maxLength: 4 }),
  fc.constantFrom(...SECRET_WORDS).chain(anyCase),
  fc.string({ maxLength: 4 }),
).map(([before, word, after]) => `${before}${word}${after}`);

const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 4, arbitrary: secretName },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "apiKey",
      "x-api-key",
      "pairingToken",
      "provisioningToken",
      "agentToken",
      "authToken",
      "Authorization",
      "clientSecret",
      "PASSWORD",
      "credentials",
      "signature",
      "transactionSignature",
      "keys",
      "monkey",
      "author",
      "id",
      "name",
      "items",
      "0",
      "length",
      "constructor",
      "hasOwnProperty",
      "__proto__",
    ),
  },
);

const leaf = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: "small", maxDepth: 6 }, leaf, tie("object"), tie("array")),
  object: fc.dictionary(key, tie("tree"), { maxKeys: 6 }),
  array: fc.array(tie("tree"), { maxLength: 5 }),
}));

/** Every object and array reachable from `root`, each once. */
function containers(root: unknown): object[] {
  const found: object[] = [];
  const seen = new Set<object>();
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    found.push(value);
    for (const child of Object.values(value)) stack.push(child);
  }
  return found;
}

/** Each container's prototype, keys and values by identity, to detect any mutation. */
function snapshot(root: unknown): Map<object, { proto: unknown; entries: [string, unknown][] }> {
  return new Map(
    containers(root).map((c) => [c, {
      proto: Object.getPrototypeOf(c),
      entries: Reflect.ownKeys(c).map((k) => [String(k), (c as Record<PropertyKey, unknown>)[k]]),
    }]),
  );
}

function assertUnchanged(
  before: Map<object, { proto: unknown; entries: [string, unknown][] }>,
): void {
  for (const [container, { proto, entries }] of before) {
    assert(Object.getPrototypeOf(container) === proto, "input prototype changed");
    const now = Reflect.ownKeys(container).map((k) => String(k));
    assertEquals(now, entries.map(([k]) => k), "input keys changed");
    for (const [k, value] of entries) {
      assert(
        Object.is((container as Record<string, unknown>)[k], value),
        `input field '${k}' changed`,
      );
    }
  }
}

/** Walks the output: fails on a cycle or on a secret-named field that is not redacted. */
function assertRedactedAndAcyclic(value: unknown, path: string, ancestors: Set<object>): void {
  if (typeof value !== "object" || value === null) return;
  assert(!ancestors.has(value), `output has a cycle at ${path}`);
  ancestors.add(value);
  for (const [name, field] of Object.entries(value)) {
    if (!Array.isArray(value) && SECRET_NAME.test(name)) {
      assertEquals(field, REDACTED, `secret-named field survived at ${path}.${name}`);
    } else {
      assertRedactedAndAcyclic(field, `${path}.${name}`, ancestors);
    }
  }
  ancestors.delete(value);
}

/** The documented result for an acyclic input, written independently of src/redact.ts. */
function model(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(model);
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) ? REDACTED : model(v)]),
  );
}

Deno.test("sanitizeBody() redacts secret-named fields at any depth and keeps everything else", () => {
  fc.assert(
    fc.property(tree, (input) => {
      const before = snapshot(input);
      const output = sanitizeBody(input);
      assertUnchanged(before);
      assertRedactedAndAcyclic(output, "$", new Set());
      assertEquals(output, model(input));
      const inputObjects = new Set(before.keys());
      for (const c of containers(output)) assert(!inputObjects.has(c), "output shares an object");
    }),
    fuzzParams(3_000),
  );
});

/** A tree plus extra references between its containers: shared subtrees and cycles. */
const cyclic = fc.tuple(
  fc.oneof(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 6 }), fc.array(tree, { minLength: 1 })),
  fc.array(fc.tuple(fc.nat(), fc.nat(), key), { minLength: 1, maxLength: 6 }),
).map(([root, links]) => {
  const all = containers(root);
  for (const [from, to, name] of links) {
    const source = all[from % all.length]!;
    const target = all[to % all.length]!;
    if (Array.isArray(source)) source.push(target);
    else {Object.defineProperty(source, name, {
        value: target,
        enumerable: true,
        writable: true,
        configurable: true,
      });}
  }
  return root;
});

Deno.test("sanitizeBody() survives cycles and shared references without mutating the input", () => {
  let cycles = 0;
  fc.assert(
    fc.property(cyclic, (input) => {
      const before = snapshot(input);
      const output = sanitizeBody(input);
      assertUnchanged(before);
      assertRedactedAndAcyclic(output, "$", new Set());
      const text = JSON.stringify(output);
      if (text.includes('"[Circular]"')) cycles++;
      const inputObjects = new Set(before.keys());
      for (const c of containers(output)) assert(!inputObjects.has(c), "output shares an object");
    }),
    fuzzParams(3_000),
  );
  assert(cycles > 0, "some generated inputs had cycles");
});

Deno.test("sanitizeBody() passes primitives through unchanged", () => {
  fc.assert(
    fc.property(fc.oneof(leaf, fc.bigInt()), (value) => {
      assert(Object.is(sanitizeBody(value), value));
    }),
    fuzzParams(500),
  );
});
