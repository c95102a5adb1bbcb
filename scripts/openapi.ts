/**
 * `deno task openapi`: writes the wire's OpenAPI 3.1 document, generated from the route table
 * and the zod contract (`sandbox/openapi.ts`), to `openapi.json` at the repository root.
 * `tests/sandbox/openapi_test.ts` fails when the committed file is not what this writes.
 *
 * @module
 */
import { buildOpenApiDocument } from "../sandbox/openapi.ts";

/** The file's text: two-space JSON with a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (import.meta.main) {
  const target = new URL("../openapi.json", import.meta.url);
  await Deno.writeTextFile(target, openApiText());
  console.log(`Wrote ${target.pathname}`);
}
