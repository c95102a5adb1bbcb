/**
 * The one compile-time tie between the wire's zod schemas and the SDK's public types: every
 * request body schema in `contract/` states `const _name: Ties<z.output<typeof schema>, SdkType>
 * = true`, so a field added, dropped, renamed, retyped or made required on one side and not the
 * other fails `deno check` at that line ("Type 'true' is not assignable to type 'false'").
 *
 * @module
 */

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

type OptionalKeys<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? K : never;
}[keyof T];

/**
 * What JSON can tell apart: `readonly` is dropped (zod's outputs are mutable, the SDK's types
 * readonly) and an optional field may always be `undefined` (it vanishes from the JSON either
 * way), at every depth.
 */
type Wire<T> = T extends Primitive ? T
  : T extends readonly (infer E)[] ? readonly Wire<E>[]
  : { readonly [K in keyof T]: Wire<T[K]> | (K extends OptionalKeys<T> ? undefined : never) };

/** Every field's dotted path (`budget.amount`), at every depth, over all members of a union. */
type Paths<T> = T extends Primitive ? never
  : T extends readonly (infer E)[] ? Paths<E>
  : { [K in keyof T & string]-?: K | `${K}.${Paths<NonNullable<T[K]>>}` }[keyof T & string];

type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false;

/**
 * `true` when a schema's output `Out` and the SDK type `T` are the same wire: each accepts every
 * value of the other (so neither is looser in a type, an enum or which fields are required), and
 * both name the same fields at every depth (so an optional field cannot hide on one side);
 * otherwise `false`.
 *
 * Where the wire is deliberately looser than the SDK (a proof that is optional on the wire so
 * its absence gets its own error code), tie the schema to the SDK type with that difference
 * spelled out (`Omit<T, "agentProof"> & { agentProof?: ... }`), never to a weaker check.
 *
 * @example
 * ```ts ignore
 * const _create: Ties<z.output<typeof createOrderBody>, CreateMarketOrderRequest> = true;
 * ```
 */
export type Ties<Out, T> = Same<Wire<Out>, Wire<T>> extends true ? Same<Paths<Out>, Paths<T>>
  : false;

/**
 * A union of objects as one object whose fields are all optional, each typed as the union of
 * its members' types: the static shape of a schema that takes the union's fields flat and picks
 * the member in a refinement (`paymentProofBody`).
 *
 * @example
 * ```ts ignore
 * type Flat = Flattened<{ a: string } | { b: number }>; // { a?: string; b?: number }
 * ```
 */
export type Flattened<U> = {
  readonly [K in U extends unknown ? keyof U : never]?: U extends { readonly [P in K]?: infer V }
    ? V
    : never;
};
