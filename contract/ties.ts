/**
 * Compile-time ties between the wire's zod schemas and the SDK's public types, so that the two
 * cannot drift apart silently: a field added to or dropped from either side fails `deno check`.
 *
 * @module
 */

type KeysOf<T> = T extends unknown ? keyof T : never;

/**
 * `true` when every value of the SDK type `T` is a valid schema output `Out` and both name the
 * same fields (for a union `T`, the fields of all its members); otherwise `false`.
 *
 * @example
 * ```ts ignore
 * const tied: Ties<z.output<typeof createOrderBody>, CreateMarketOrderRequest> = true;
 * ```
 */
export type Ties<Out, T> = [T] extends [Out]
  ? [Exclude<KeysOf<Out>, KeysOf<T>> | Exclude<KeysOf<T>, KeysOf<Out>>] extends [never] ? true
  : false
  : false;
