/**
 * A small JSON Schema subset (type, properties, required, additionalProperties: false, enum,
 * minimum/maximum, minLength/maxLength, items) — enough to check order inputs and skill
 * configs against the catalogue's manifests without a dependency.
 *
 * @module
 */

/** One problem found, named by its JSON path (`input.prompt`). */
export type SchemaIssue = { readonly path: string; readonly message: string };

type Schema = {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly items?: Schema;
};

/**
 * Validates `value` against `schema`; returns every issue found (empty when valid).
 *
 * @example
 * ```ts ignore
 * checkSchema({ type: "object", required: ["prompt"] }, {}, "input");
 * // [{ path: "input.prompt", message: "Required" }]
 * ```
 */
export function checkSchema(schema: unknown, value: unknown, path: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  visit(schema as Schema, value, path, issues);
  return issues;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function visit(schema: Schema, value: unknown, path: string, issues: SchemaIssue[]): void {
  const actual = typeOf(value);
  if (schema.type) {
    const ok = schema.type === actual || (schema.type === "number" && actual === "integer");
    if (!ok) {
      issues.push({ path, message: `Expected ${schema.type}, received ${actual}` });
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) {
    issues.push({ path, message: `Expected one of ${schema.enum.map(String).join(", ")}` });
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      issues.push({ path, message: `Must be at least ${schema.minimum}` });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      issues.push({ path, message: `Must be at most ${schema.maximum}` });
    }
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      issues.push({ path, message: `Must have at least ${schema.minLength} characters` });
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      issues.push({ path, message: `Must have at most ${schema.maxLength} characters` });
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) =>
      visit(schema.items as Schema, item, `${path}[${index}]`, issues)
    );
  }
  if (actual === "object") {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) issues.push({ path: `${path}.${name}`, message: "Required" });
    }
    const properties = schema.properties ?? {};
    for (const [name, field] of Object.entries(record)) {
      const fieldSchema = properties[name];
      if (fieldSchema) visit(fieldSchema, field, `${path}.${name}`, issues);
      else if (schema.additionalProperties === false) {
        issues.push({ path: `${path}.${name}`, message: "Unknown field" });
      }
    }
  }
}
