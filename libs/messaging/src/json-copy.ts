/**
 * The value a JSON round trip (`JSON.parse(JSON.stringify(value))`) gives, built without the text in
 * between: what a handler or a caller in the same process would receive over NATS. Strings are
 * shared (they are immutable), objects and arrays are rebuilt, `toJSON` is honoured (dates become
 * strings, buffers `{ type, data }`), non-finite numbers become null, and what JSON leaves out of an
 * object (undefined, functions, symbols) is left out, or becomes null in an array.
 */
export function jsonCopy(value: unknown): unknown {
  return copyValue(value, '');
}

function copyValue(input: unknown, key: string): unknown {
  let value = input;
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0 and has no NaN or Infinity.
      return Number.isFinite(value) ? value + 0 : null;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      if (value === null) return null;
      if (value instanceof Number || value instanceof String || value instanceof Boolean) return copyValue(value.valueOf(), key);
      return Array.isArray(value) ? copyArray(value) : copyObject(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function copyArray(array: readonly unknown[]): unknown[] {
  const copy = new Array<unknown>(array.length);
  for (let i = 0; i < array.length; i++) copy[i] = copyValue(array[i], String(i)) ?? null;
  return copy;
}

function copyObject(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = copyValue(object[key], key);
    if (value === undefined) continue;
    // JSON.parse makes `__proto__` an own property; assigning it would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    else copy[key] = value;
  }
  return copy;
}
