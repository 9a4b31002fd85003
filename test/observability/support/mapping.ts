/**
 * Checks a log document against the Elasticsearch index template's mappings
 * (observability/elasticsearch/index-template.json), the way Elasticsearch would index it:
 * every field must be mapped (strict: the dynamic templates are a safety net for fields added
 * later, not something our own events should rely on) with a compatible value: dates parse,
 * keywords are strings, integers are integers in range, objects are objects.
 * Pure: usable in workerd and Node tests.
 */
export interface FieldMapping {
  type?: string;
  properties?: Record<string, FieldMapping>;
  index?: boolean;
  ignore_above?: number;
  fields?: Record<string, FieldMapping>;
}

const INT_RANGES: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-(2 ** 31), 2 ** 31 - 1],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

export const REQUIRED_FIELDS = ["@timestamp", "level", "event", "service"];

function checkValue(path: string, value: unknown, m: FieldMapping, errors: string[]): void {
  if (value === null) return; // null is "missing" for Elasticsearch
  const type = m.type ?? (m.properties ? "object" : undefined);
  if (Array.isArray(value)) {
    if (type === "object") errors.push(`${path}: array where an object is mapped`);
    for (const v of value) checkValue(path, v, m, errors);
    return;
  }
  switch (type) {
    case "object":
      if (typeof value !== "object") {
        errors.push(`${path}: ${typeof value} where an object is mapped`);
        return;
      }
      checkObject(path, value as Record<string, unknown>, m.properties ?? {}, errors);
      return;
    case "keyword":
    case "constant_keyword":
    case "text":
    case "match_only_text":
    case "wildcard":
      if (typeof value !== "string") errors.push(`${path}: ${typeof value} where ${type} (string) is mapped`);
      return;
    case "date":
      if (typeof value === "number") return;
      if (typeof value !== "string" || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) errors.push(`${path}: ${JSON.stringify(value)} is not an ISO 8601 date`);
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${path}: ${typeof value} where boolean is mapped`);
      return;
    case "double":
    case "float":
    case "half_float":
    case "scaled_float":
      if (typeof value !== "number" || !Number.isFinite(value)) errors.push(`${path}: ${JSON.stringify(value)} is not a number`);
      return;
    case "byte":
    case "short":
    case "integer":
    case "long": {
      const [lo, hi] = INT_RANGES[type];
      if (typeof value !== "number" || !Number.isInteger(value) || value < lo || value > hi) errors.push(`${path}: ${JSON.stringify(value)} is not a ${type}`);
      return;
    }
    default:
      errors.push(`${path}: unsupported mapping type ${type}`);
  }
}

function checkObject(prefix: string, doc: Record<string, unknown>, props: Record<string, FieldMapping>, errors: string[]): void {
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const m = props[k];
    if (!m) {
      errors.push(`${path}: not in the index template's mappings`);
      continue;
    }
    checkValue(path, v, m, errors);
  }
}

/** Problems with `doc` (empty when it indexes cleanly). */
export function validateAgainstMappings(doc: unknown, properties: Record<string, FieldMapping>): string[] {
  const errors: string[] = [];
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return ["document is not a JSON object"];
  for (const f of REQUIRED_FIELDS) if (!(f in (doc as object))) errors.push(`${f}: required field missing`);
  checkObject("", doc as Record<string, unknown>, properties, errors);
  return errors;
}
