'use strict';

const catalog = require('../generated/catalog.json');
const App = require('../index');
const { validate } = require('../scripts/validate');

describe('app definition', () => {
  it("passes Zapier's structural validation (zapier-platform validate, offline)", async () => {
    const errors = await validate();
    expect(errors.map((e) => e.stack)).toEqual([]);
  });

  it('has every catalog trigger as a REST hook and a polling variant, plus the hidden job_list', () => {
    for (const t of catalog.triggers) {
      expect(App.triggers[t.key].operation.type).toBe('hook');
      expect(App.triggers[`${t.key}_polling`].operation.type).toBe('polling');
    }
    expect(App.triggers.job_list.display.hidden).toBe(true);
    expect(Object.keys(App.triggers)).toHaveLength(catalog.triggers.length * 2 + 1);
  });

  it('has every catalog action as a create and every search as a search, with search-or-create', () => {
    expect(Object.keys(App.creates).sort()).toEqual(catalog.creates.map((a) => a.key).sort());
    expect(Object.keys(App.searches).sort()).toEqual(catalog.searches.map((s) => s.key).sort());
    for (const s of catalog.searches.filter((x) => x.create_fallback)) {
      expect(App.searchOrCreates[s.key]).toMatchObject({ key: s.key, search: s.key, create: s.create_fallback });
      expect(App.creates[s.create_fallback]).toBeDefined();
    }
    expect(Object.keys(App.searchOrCreates).length).toBeGreaterThan(0);
  });

  it('gives every visible operation a sample and outputFields (validate does not check samples)', () => {
    const ops = [...Object.values(App.triggers), ...Object.values(App.creates), ...Object.values(App.searches)];
    for (const op of ops) {
      expect({ key: op.key, sample: typeof op.operation.sample }).toEqual({ key: op.key, sample: 'object' });
      expect(Array.isArray(op.operation.outputFields) && op.operation.outputFields.length > 0).toBe(true);
    }
  });

  it('offers jobs from the job_list dropdown wherever job_id is an input', () => {
    const jobFields = [...catalog.triggers, ...catalog.creates, ...catalog.searches]
      .flatMap((op) => op.inputFields)
      .filter((f) => f.key === 'job_id');
    expect(jobFields.length).toBeGreaterThan(catalog.triggers.length);
    for (const f of jobFields) expect(f.dynamic).toBe('job_list.id.label');
  });

  it('takes the resume of attach_resume as a Zapier file field', () => {
    const field = App.creates.attach_resume.operation.inputFields.find((f) => f.key === 'file_url');
    expect(field.type).toBe('file');
  });
});
