/**
 * How a resource file of `client.orchestration` declares its routes: one string per method,
 * `"<METHOD> <path> <envelope> [flags]"`, parsed once by `parseRoute()` in the transport.
 *
 * - `<path>` is below `/api/v1`; `:name` placeholders are the method's first arguments, in
 *   order, each a non-empty string, percent-encoded.
 * - `<envelope>`: what a success body must be (`item`, `list`, `void`, ...; see `Envelope`).
 * - `query` (GET) or `body` (other methods): the next argument is the query options or the
 *   JSON body. A list with `query` is cursor-paginated and also gets a `<name>All` iterator.
 * - `agent`: the next argument is the pairing token, sent as `x-agent-pairing-token`.
 * - `need:a,b`: fields of the body (or query) that must be present and non-empty.
 * - `secret:<field>`: a one-time secret in `item`, hidden from every printed form.
 * - `noauth`: no auth header at all; `root`: the path is below `orchestrationUrl` itself.
 *
 * The last argument of every method is the optional `RequestOptions`.
 *
 * @module
 */

/**
 * A resource's route table: every method of `Api` except the `*All` iterators (which follow
 * from their list route), and nothing else.
 *
 * @internal
 */
export type Routes<Api> = {
  readonly [K in keyof Api as K extends `${string}All` ? never : K]: string;
};
