/** The OpenAPI 3.0/3.1 schema validator the OpenAPI test checks `openapi.json` with. */
export { Validator } from "npm:@seriousme/openapi-schema-validator@2.11.0";
