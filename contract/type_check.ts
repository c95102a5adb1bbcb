/**
 * Compile-time checks that tie the wire's zod schemas to the SDK's public types.
 *
 * @module
 */

/**
 * `true` when `A` and `B` name exactly the same fields, else `false`; with {@linkcode Assert}
 * it makes `deno check` fail when a body schema and its SDK request type drift apart.
 *
 * @example
 * ```ts ignore
 * type _Create = Assert<SameKeys<z.output<typeof createMachineBody>, CreateMachineRequest>>;
 * ```
 */
export type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? ([keyof B] extends [keyof A] ? true : false)
  : false;

/**
 * Accepts only `true`: `Assert<SameKeys<A, B>>` is a type error when the keys differ.
 *
 * @example
 * ```ts ignore
 * type _Check = Assert<SameKeys<{ a: 1 }, { a: 2 }>>;
 * ```
 */
export type Assert<T extends true> = T;
