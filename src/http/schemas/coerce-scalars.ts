/**
 * Jackson's scalar coercion, driven by a route's own JSON Schema: HubSpot's server takes a number
 * or boolean where a string is expected (`"id": 123` is `"123"`) and a string of digits where an
 * integer is (`"width": "600"`). Applied before validation, so the schema sees what Jackson would.
 * Objects, arrays and null are never coerced: those stay type errors.
 */
import { isObject } from '../../domain/json.js';

export interface CoercibleSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, CoercibleSchema>>;
  readonly items?: CoercibleSchema;
}

const INTEGER_TEXT = /^[+-]?\d{1,15}$/;

/** `value` with its scalars converted where `schema` expects another scalar type (in place). */
export function coerceScalars(value: unknown, schema: CoercibleSchema): unknown {
  switch (schema.type) {
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'integer':
      return typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
    case 'object':
      if (isObject(value) && schema.properties) {
        for (const [name, inner] of Object.entries(schema.properties)) {
          if (name in value) value[name] = coerceScalars(value[name], inner);
        }
      }
      return value;
    case 'array':
      if (Array.isArray(value) && schema.items) {
        const items = schema.items;
        value.forEach((item, i) => {
          value[i] = coerceScalars(item, items);
        });
      }
      return value;
    default:
      return value;
  }
}
