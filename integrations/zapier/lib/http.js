'use strict';

const catalog = require('./catalog');

// baseUrl is where this connection's hub answers: the base_url auth field,
// else the public hub, without a trailing slash.
const baseUrl = (bundle) => {
  const raw = (bundle.authData && bundle.authData.base_url) || catalog.default_base_url;
  return String(raw).trim().replace(/\/+$/, '');
};

// url joins the hub's base URL and an API path.
const url = (bundle, path) => `${baseUrl(bundle)}${path}`;

// sameOrigin says whether a request goes to this connection's hub, so the
// API key is never sent anywhere else (a resume link or a file URL).
const sameOrigin = (requestUrl, bundle) => {
  try {
    return new URL(requestUrl).origin === new URL(baseUrl(bundle)).origin;
  } catch (err) {
    return false;
  }
};

// addApiKey is the beforeRequest step: custom auth adds no headers itself.
const addApiKey = (request, z, bundle) => {
  request.headers = request.headers || {};
  request.headers.Accept = request.headers.Accept || 'application/json';
  const key = bundle.authData && bundle.authData.api_key;
  if (key && sameOrigin(request.url, bundle)) {
    request.headers['X-API-Key'] = String(key).trim();
  }
  return request;
};

// fieldLabels maps the API's field paths of the operation a request ran
// (POST /v1/actions/{key}, GET /v1/searches/{key}) to the labels the Zap
// editor shows, so "experience.0.title" reads "Position title".
const fieldLabels = (requestUrl) => {
  let path = '';
  try {
    path = new URL(requestUrl).pathname;
  } catch (err) {
    return {};
  }
  const m = path.match(/\/v1\/(actions|searches)\/([a-z0-9_]+)$/);
  if (!m) return {};
  const op = (m[1] === 'actions' ? catalog.creates : catalog.searches).find((o) => o.key === m[2]);
  const labels = {};
  const walk = (fields) => {
    for (const f of fields || []) {
      labels[f.key] = f.label;
      walk(f.children);
    }
  };
  walk(op && op.inputFields);
  return labels;
};

// labelOf finds the editor's label of an API field path: the path's names
// (indexes of line items left out) joined the way Zapier keys are.
const labelOf = (labels, field) => {
  const parts = String(field).split('.');
  const key = parts.filter((p) => !/^\d+$/.test(p)).join(catalog.key_separator);
  const row = parts.find((p) => /^\d+$/.test(p));
  const label = labels[key];
  if (!label) return field;
  return row !== undefined ? `${label} #${Number(row) + 1} (${field})` : `${label} (${field})`;
};

// problemMessage renders an RFC 9457 problem document (title, detail and
// the field errors) as one sentence a Zap's user can act on.
const problemMessage = (status, problem, labels = {}) => {
  if (!problem || typeof problem !== 'object') {
    return `Visage answered ${status}.`;
  }
  const head = [problem.title, problem.detail].filter(Boolean).join(': ') || `Visage answered ${status}.`;
  const fields = Array.isArray(problem.errors)
    ? problem.errors
        .filter((e) => e && (e.field || e.message))
        .map((e) => (e.field ? `${labelOf(labels, e.field)}: ${e.message || 'invalid'}` : e.message))
    : [];
  return fields.length ? `${head} (${fields.join('; ')})` : head;
};

// parseProblem reads a response body as JSON when it is one.
const parseProblem = (response) => {
  try {
    return typeof response.json === 'object' && response.json !== null ? response.json : JSON.parse(response.content);
  } catch (err) {
    return null;
  }
};

// handleErrors is the afterResponse step. A 429 never gets here: core turns
// it into a ThrottledError (honouring Retry-After) before afterResponse runs.
// A 401 means the key is wrong or revoked: the connection must be redone,
// which ExpiredAuthError tells Zapier. Every other problem is surfaced with
// its detail and the fields it names.
const handleErrors = (response, z) => {
  if (response.status < 400 || response.skipThrowForStatus) {
    return response;
  }
  const problem = parseProblem(response);
  const message = problemMessage(response.status, problem, fieldLabels(response.request && response.request.url));
  if (response.status === 401) {
    throw new z.errors.ExpiredAuthError(
      `Visage did not accept the API key: ${message} Reconnect with a key from Visage > Settings > API keys.`
    );
  }
  const code = (problem && problem.code) || `http_${response.status}`;
  throw new z.errors.Error(message, code, response.status);
};

module.exports = { baseUrl, url, sameOrigin, addApiKey, handleErrors, problemMessage };
