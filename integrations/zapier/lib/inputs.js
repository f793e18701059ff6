'use strict';

// Zapier's inputs are flat: a nested object's fields arrive under
// "parent__child" keys and line items as lists of rows whose keys carry the
// line item's prefix ("experience__title"). unflatten is the JavaScript
// twin of the hub's schemas.ZapierInputBody: it uses the generated input
// fields to put known keys back where the API's JSON Schema wants them and
// passes unknown keys through unchanged, so the hub's validation names
// them. generated/unflatten_cases.json holds Go's answers it is tested on.

const { key_separator: SEP } = require('./catalog');

// setPath puts value at obj[path[0]][path[1]]…, creating objects on the way.
const setPath = (obj, path, value) => {
  let at = obj;
  for (const p of path.slice(0, -1)) {
    if (!at[p] || typeof at[p] !== 'object' || Array.isArray(at[p])) {
      at[p] = {};
    }
    at = at[p];
  }
  at[path[path.length - 1]] = value;
};

// isEmpty: the editor sends '' (or nothing) for fields left blank; the API
// treats a missing field as "keep" or "not given", which is what was meant.
const isEmpty = (v) => v === undefined || v === null || v === '';

// coerce turns the strings a Zap may hand over into the field's type.
const coerce = (field, value) => {
  if (!field || typeof value !== 'string') {
    return value;
  }
  const s = value.trim();
  switch (field.type) {
    case 'integer':
    case 'number':
      return s !== '' && !Number.isNaN(Number(s)) ? Number(s) : value;
    case 'boolean':
      if (/^(true|yes|1)$/i.test(s)) return true;
      if (/^(false|no|0)$/i.test(s)) return false;
      return value;
    default:
      return value;
  }
};

// coerceList keeps list fields lists: a single mapped value becomes [value].
const coerceList = (field, value) => {
  if (field && field.list && !Array.isArray(value)) {
    return [value];
  }
  return Array.isArray(value) ? value.filter((v) => !isEmpty(v)).map((v) => coerce(field, v)) : coerce(field, value);
};

// unflattenInto walks flat against fields (whose keys carry prefix) and
// writes what it knows into out; unknown keys are copied as they are.
const unflattenInto = (fields, prefix, flat, out) => {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(flat || {})) {
    if (isEmpty(value)) {
      continue;
    }
    const field = byKey.get(key);
    if (!field || !key.startsWith(prefix)) {
      out[key] = value;
      continue;
    }
    const path = key.slice(prefix.length).split(SEP);
    if (field.children) {
      if (!Array.isArray(value)) {
        throw new Error(`${field.label || key}: line items must be a list, got ${typeof value}`);
      }
      const rows = value.map((row, i) => {
        if (!row || typeof row !== 'object' || Array.isArray(row)) {
          throw new Error(`${field.label || key} #${i + 1}: a line item must be an object`);
        }
        const item = {};
        unflattenInto(field.children, key + SEP, row, item);
        return item;
      });
      setPath(out, path, rows);
      continue;
    }
    setPath(out, path, coerceList(field, value));
  }
  return out;
};

// unflatten turns an operation's inputData into the API's JSON body.
const unflatten = (fields, inputData) => unflattenInto(fields, '', inputData, {});

// queryParams turns a search's inputData into query parameters: scalars
// only, blanks left out.
const queryParams = (fields, inputData) => {
  const body = unflatten(fields, inputData);
  const params = {};
  for (const [k, v] of Object.entries(body)) {
    params[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return params;
};

module.exports = { unflatten, queryParams, coerce };
