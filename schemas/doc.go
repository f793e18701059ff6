// Package schemas is the one place where every field of the public API is
// described: JSON Schema (draft-07) files embedded in the binary, and the
// validation built on them. The HTTP API validates request bodies here, tests
// validate outgoing payloads here, and the OpenAPI document, /v1/meta and the
// Zapier, Make and n8n packages are rendered from Resolved, so a field's
// title, description, limits and examples are written once and cannot drift
// between the docs, the integrations and what the server accepts.
//
// Conventions of the files in json/:
//
//   - A schema's name is its file name without ".json" (job, job_create,
//     event_candidate_created, ...); its $id is BaseURL + file name, and
//     $refs between files are relative ("common.json#/definitions/email").
//   - Input schemas (*_create, *_update, *_upsert) only $ref the resource's
//     properties; a $ref may carry annotation siblings (title, description,
//     examples, default) that override the target's. Draft-07 validators
//     ignore such siblings, which is fine because they never constrain;
//     Resolved merges them for renderers.
//   - A common definition whose name ends in _or_null is its sibling that
//     also accepts null (nullable fields are ones a PATCH may clear).
package schemas
