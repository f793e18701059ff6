'use strict';

const http = require('http');
const catalog = require('../generated/catalog.json');
const App = require('../index');
const { state, bundle, unique, tester } = require('./helpers');

const appTester = tester(App);
const PDF = Buffer.from('%PDF-1.4\n% attach_resume test\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

const run = (s, op, inputData) => appTester(op.operation.perform, bundle(s, { inputData }));

describe('creates and searches against the real hub', () => {
  const s = state();
  let files;
  let fileRequests = 0;

  // A local file server standing in for the file a previous Zap step made.
  beforeAll(
    () =>
      new Promise((resolve) => {
        files = http.createServer((req, res) => {
          fileRequests += 1;
          res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': PDF.length });
          res.end(PDF);
        });
        files.listen(0, '127.0.0.1', resolve);
      })
  );
  afterAll(() => new Promise((r) => files.close(r)));

  let job;
  let candidate;
  const externalId = unique('REQ');
  const email = `${unique('amara')}@example.com`;

  it('create_job unflattens the hiring manager', async () => {
    job = await run(s, App.creates.create_job, {
      title: 'Senior Backend Engineer (Go)',
      external_id: externalId,
      workplace_type: 'hybrid',
      hiring_manager__name: 'Lena Fischer',
      hiring_manager__email: 'lena.fischer@example.com',
    });
    expect(job.id).toMatch(/^job_/);
    expect(job).toMatchObject({ title: 'Senior Backend Engineer (Go)', external_id: externalId });
    expect(job.hiring_manager).toMatchObject({ name: 'Lena Fischer', email: 'lena.fischer@example.com' });
  });

  it('update_job changes only the fields given', async () => {
    const out = await run(s, App.creates.update_job, { job_id: job.id, location: 'Remote, EU', title: '' });
    expect(out).toMatchObject({ id: job.id, location: 'Remote, EU', title: job.title });
  });

  it('upsert_job creates once and then updates the same job', async () => {
    const ext = unique('greenhouse');
    const first = await run(s, App.creates.upsert_job, { external_id: ext, title: 'Data Engineer' });
    const second = await run(s, App.creates.upsert_job, { external_id: ext, title: 'Data Engineer II' });
    expect(second.id).toBe(first.id);
    expect(second.title).toBe('Data Engineer II');
  });

  it('create_candidate sends line items and lists as the API wants them', async () => {
    candidate = await run(s, App.creates.create_candidate, {
      job_id: job.id,
      full_name: 'Amara Okafor',
      email,
      skills: ['Go', 'PostgreSQL'],
      experience: [{ experience__title: 'Backend Engineer', experience__company: 'Cabify', experience__start_date: '2020-02' }],
    });
    expect(candidate.id).toMatch(/^cand_/);
    expect(candidate).toMatchObject({ job_id: job.id, email, skills: ['Go', 'PostgreSQL'] });
    expect(candidate.experience[0]).toMatchObject({ title: 'Backend Engineer', company: 'Cabify', start_date: '2020-02' });
  });

  it('update_candidate_status moves the candidate', async () => {
    const out = await run(s, App.creates.update_candidate_status, { candidate_id: candidate.id, status: 'contacted' });
    expect(out).toMatchObject({ id: candidate.id, status: 'contacted' });
  });

  it('add_candidate_tags keeps the tags already there', async () => {
    await run(s, App.creates.add_candidate_tags, { candidate_id: candidate.id, tags: ['referral'] });
    const out = await run(s, App.creates.add_candidate_tags, { candidate_id: candidate.id, tags: ['go'] });
    expect(out.tags).toEqual(expect.arrayContaining(['referral', 'go']));
  });

  it('attach_resume downloads the file field and outputs the resume as a file', async () => {
    const before = fileRequests;
    const url = `http://127.0.0.1:${files.address().port}/files/amara-cv.pdf`;
    const out = await run(s, App.creates.attach_resume, { candidate_id: candidate.id, file_url: url, filename: 'amara-cv.pdf' });
    expect(fileRequests).toBe(before + 1);
    expect(out.resume).toMatchObject({ filename: 'amara-cv.pdf', content_type: 'application/pdf', size: PDF.length });
    const pointer = out[catalog.resume_file_key];
    expect(JSON.parse(pointer.split('|||')[1])).toMatchObject({ method: 'hydrators.resume', bundle: { url: out.resume.url } });
  });

  it('close_job closes it', async () => {
    const out = await run(s, App.creates.close_job, { job_id: job.id });
    expect(out).toMatchObject({ id: job.id, status: 'closed' });
  });

  it('a create with bad input fails with the fields named', async () => {
    const err = await run(s, App.creates.update_candidate_status, { candidate_id: candidate.id, status: 'asleep' }).catch((e) => e);
    const parsed = JSON.parse(err.message);
    expect(parsed.status).toBe(422);
    const label = App.creates.update_candidate_status.operation.inputFields.find((f) => f.key === 'status').label;
    expect(parsed.message).toContain(`${label} (status):`);
  });

  it('find_candidate finds by email and answers [] when nobody matches', async () => {
    const found = await run(s, App.searches.find_candidate, { email });
    expect(found.map((c) => c.id)).toEqual([candidate.id]);
    expect(await run(s, App.searches.find_candidate, { email: `${unique('nobody')}@example.com` })).toEqual([]);
  });

  it('find_job finds by external ID', async () => {
    const found = await run(s, App.searches.find_job, { external_id: externalId });
    expect(found.map((j) => j.id)).toEqual([job.id]);
  });

  it.each(catalog.searches.filter((x) => x.create_fallback).map((x) => [x.key, x]))(
    'search-or-create %s: not found, created by the fallback, then found',
    async (key, sc) => {
      const input =
        key === 'find_candidate'
          ? { search: { email: `${unique('new')}@example.com` }, create: (q) => ({ full_name: 'New Person', email: q.email }) }
          : { search: { external_id: unique('EXT') }, create: (q) => ({ title: 'New Role', external_id: q.external_id }) };
      const soc = App.searchOrCreates[key];
      expect(await run(s, App.searches[soc.search], input.search)).toEqual([]);
      const made = await run(s, App.creates[soc.create], input.create(input.search));
      const found = await run(s, App.searches[soc.search], input.search);
      expect(found.map((x) => x.id)).toEqual([made.id]);
    }
  );

  it('covers every create and search in the catalog', () => {
    const tested = ['create_job', 'update_job', 'upsert_job', 'create_candidate', 'update_candidate_status', 'add_candidate_tags', 'attach_resume', 'close_job', 'find_candidate', 'find_job'];
    expect([...catalog.creates, ...catalog.searches].map((o) => o.key).sort()).toEqual(tested.sort());
  });
});
