'use strict';

const catalog = require('../generated/catalog.json');
const App = require('../index');
const { state, bundle, authData, api, unique, tester } = require('./helpers');

const appTester = tester(App);

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('polling triggers, samples and the job dropdown against the real hub', () => {
  const s = state();
  let job;
  let closedJob;
  let candidate;
  let lonerId;

  // Cause one event of every type: a job created, updated and closed; a
  // candidate created, given a resume, and moved to interested.
  beforeAll(async () => {
    const created = await api(s, 'POST', '/v1/jobs', { title: unique('Platform Engineer'), location: 'Berlin' });
    expect(created.status).toBe(201);
    job = created.json;
    const other = await api(s, 'POST', '/v1/jobs', { title: unique('Closed Role') });
    closedJob = other.json;
    expect((await api(s, 'PATCH', `/v1/jobs/${closedJob.id}`, { location: 'Remote' })).status).toBe(200);
    expect((await api(s, 'POST', `/v1/jobs/${closedJob.id}/close`)).status).toBe(200);
    const c = await api(s, 'POST', '/v1/candidates', {
      full_name: 'Amara Okafor',
      email: `${unique('amara')}@example.com`,
      job_id: job.id,
    });
    expect(c.status).toBe(201);
    const up = await fetch(`${s.url}/v1/candidates/${c.json.id}/resume?filename=amara-cv.pdf`, {
      method: 'PUT',
      headers: { 'X-API-Key': s.api_key, 'Content-Type': 'application/pdf' },
      body: PDF,
    });
    expect(up.status).toBe(200);
    const loner = await api(s, 'POST', '/v1/candidates', { full_name: 'No Job', email: `${unique('nojob')}@example.com` });
    expect(loner.status).toBe(201);
    lonerId = loner.json.id;
    const moved = await api(s, 'PATCH', `/v1/candidates/${c.json.id}`, { status: 'interested' });
    expect(moved.status).toBe(200);
    candidate = moved.json;
  });

  const ownerOf = (t) => (t.output_schema === 'trigger_candidate' ? ['candidate_id', () => candidate.id] : ['job_id', () => (t.event === 'job.created' ? job.id : closedJob.id)]);

  describe.each(catalog.triggers.map((t) => [t.key, t]))('%s', (key, t) => {
    it('polls: newest first, one item per event, the catalog shape', async () => {
      const items = await appTester(App.triggers[`${key}_polling`].operation.perform, bundle(s));
      expect(Array.isArray(items)).toBe(true);
      const [field, id] = ownerOf(t);
      const mine = items.filter((i) => i[field] === id());
      expect(mine.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item.id).toMatch(/^evt_/);
        expect(item.event_type).toBe(t.event);
      }
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      const times = items.map((i) => Date.parse(i.occurred_at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // Every field the generated sample (and outputFields) promises is there.
      for (const k of Object.keys(t.sample)) expect(Object.prototype.hasOwnProperty.call(mine[0], k)).toBe(true);
      // The item id is the event's id, as /v1/events lists it.
      const ev = await api(s, 'GET', `/v1/events/${mine[0].id}`);
      expect(ev.status).toBe(200);
      expect(ev.json.type).toBe(t.event);
    });

    it("performList gives the account's recent items for the editor's test", async () => {
      const items = await appTester(App.triggers[key].operation.performList, bundle(s));
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.event_type === t.event && /^evt_/.test(i.id))).toBe(true);
    });
  });

  it('turns the resume link of candidate items into a Zapier file', async () => {
    const items = await appTester(App.triggers.candidate_interested_polling.operation.perform, bundle(s));
    const mine = items.find((i) => i.candidate_id === candidate.id);
    expect(mine.resume_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/candidates\//);
    const pointer = mine[catalog.resume_file_key];
    expect(pointer).toMatch(/^hydrate\|\|\|.*\|\|\|hydrate$/s);
    const payload = JSON.parse(pointer.split('|||')[1]);
    expect(payload).toMatchObject({ type: 'file', method: 'hydrators.resume', bundle: { url: mine.resume_url } });
  });

  it('falls back to the sample event when the account has no real one', async () => {
    const t = catalog.triggers.find((x) => x.key === 'candidate_status_changed');
    const b = bundle(s, { authData: authData(s, s.other_key) });
    const items = await appTester(App.triggers[t.key].operation.performList, b);
    expect(items).toHaveLength(1);
    expect(items[0].event_type).toBe(t.event);
    expect(items[0].candidate_id).not.toBe(candidate.id);
  });

  it('narrows a trigger to one job with the job filter (polling query and hook filters)', async () => {
    const all = await appTester(App.triggers.new_candidate_polling.operation.perform, bundle(s));
    expect(all.map((i) => i.candidate_id)).toEqual(expect.arrayContaining([candidate.id, lonerId]));
    const one = await appTester(App.triggers.new_candidate_polling.operation.perform, bundle(s, { inputData: { job_id: job.id } }));
    expect(one.map((i) => i.candidate_id)).toEqual([candidate.id]);
    const sub = await appTester(
      App.triggers.new_candidate.operation.performSubscribe,
      bundle(s, { targetUrl: 'http://127.0.0.1:9/never', inputData: { job_id: job.id } })
    );
    expect(sub.filters).toEqual({ job_id: job.id });
    await appTester(App.triggers.new_candidate.operation.performUnsubscribe, bundle(s, { subscribeData: sub }));
  });

  it('fills the job dropdown from open jobs as {id, label}', async () => {
    const options = await appTester(App.triggers.job_list.operation.perform, bundle(s));
    expect(options).toContainEqual({ id: job.id, label: expect.stringContaining(job.title) });
    expect(options.map((o) => o.id)).not.toContain(closedJob.id);
    for (const o of options) expect(Object.keys(o).sort()).toEqual(['id', 'label']);
  });
});
