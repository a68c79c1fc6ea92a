/**
 * @module The JSON value types the OpenAPI builder produces, and the one bridge from a zod field
 * schema to its JSON Schema, so every schema in the document comes out of zod the same way.
 */
import { z } from 'zod';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * The JSON Schema of what a field denotes. `io: 'output'` because a numeric field's bounds live
 * on the number it parses to (the text side only knows a regex that says nothing about range);
 * for text and enum fields input and output are the same. `$schema` goes: OpenAPI 3.1 already
 * declares the 2020-12 dialect for the whole document.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' });
  return rest as JsonObject;
}

export const ref = (kind: 'schemas' | 'responses' | 'headers' | 'parameters' | 'securitySchemes', name: string): JsonObject => ({
  $ref: `#/components/${kind}/${name}`,
});
