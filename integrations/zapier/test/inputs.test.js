'use strict';

const catalog = require('../generated/catalog.json');
const cases = require('../generated/unflatten_cases.json');
const { unflatten, queryParams } = require('../lib/inputs');

const fieldsOf = (key) => catalog.creates.find((a) => a.key === key).inputFields;

describe('unflattening Zapier inputs', () => {
  // The cases are written by the Go generator: each create's input example
  // flattened the way the Zap editor sends it, with schemas.ZapierInputBody's
  // answer. The JavaScript must give the same body.
  it.each(cases.map((c) => [c.key, c]))('%s matches schemas.ZapierInputBody', (key, c) => {
    expect(unflatten(fieldsOf(key), c.flat)).toEqual(c.body);
  });

  it('covers nested objects and line items', () => {
    const nested = cases.filter((c) => Object.keys(c.flat).some((k) => k.includes(catalog.key_separator)));
    const lineItems = cases.filter((c) =>
      fieldsOf(c.key).some((f) => f.children && Array.isArray(c.flat[f.key]) && c.flat[f.key].length > 0)
    );
    expect(nested.length).toBeGreaterThan(0);
    expect(lineItems.length).toBeGreaterThan(0);
  });

  it('passes unknown keys through so the hub names them, and drops blanks', () => {
    const body = unflatten(fieldsOf('create_job'), {
      title: 'Data Engineer',
      department: '',
      hiring_manager__email: 'lena@example.com',
      colour: 'blue',
    });
    expect(body).toEqual({ title: 'Data Engineer', hiring_manager: { email: 'lena@example.com' }, colour: 'blue' });
  });

  it('keeps list fields lists and refuses line items that are not lists', () => {
    expect(unflatten(fieldsOf('add_candidate_tags'), { candidate_id: 'cand_x', tags: 'go' })).toEqual({
      candidate_id: 'cand_x',
      tags: ['go'],
    });
    expect(() => unflatten(fieldsOf('create_candidate'), { full_name: 'A B', experience: 'Zalando' })).toThrow(
      /line items must be a list/
    );
  });

  it('turns search inputs into query parameters', () => {
    const fields = catalog.searches.find((s) => s.key === 'find_candidate').inputFields;
    expect(queryParams(fields, { email: 'a@example.com', linkedin_url: '' })).toEqual({ email: 'a@example.com' });
  });
});

describe('error messages', () => {
  const { problemMessage } = require('../lib/http');
  it('names fields by the labels the Zap editor shows, keeping the API path', () => {
    const labels = { email: 'E-mail', experience__title: 'Position title' };
    const msg = problemMessage(
      422,
      {
        title: 'Unprocessable Entity',
        detail: 'the request failed validation',
        errors: [
          { field: 'email', message: 'must be a valid e-mail address' },
          { field: 'experience.0.title', message: 'is required' },
          { field: 'colour', message: 'is not a field of this action' },
        ],
      },
      labels
    );
    expect(msg).toBe(
      'Unprocessable Entity: the request failed validation (E-mail (email): must be a valid e-mail address; ' +
        'Position title #1 (experience.0.title): is required; colour: is not a field of this action)'
    );
  });
});
