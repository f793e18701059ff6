'use strict';

// The resume hydrator end to end: the hub's signed resume link is fetched
// without an API key and stashed with z.stashFile. Zapier's RPC and S3 are
// the only fakes (they are Zapier's servers, not reachable offline), set up
// on loopback through core's own ZAPIER_BASE_ENDPOINT before core loads.
const http = require('http');

const PDF = Buffer.from('%PDF-1.4\n% hydrator test resume\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

const startZapierFake = () =>
  new Promise((resolve) => {
    const seen = { rpc: [], uploads: [], resumeRequests: [] };
    let base;
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/platform/rpc/cli') {
          const call = JSON.parse(body.toString('utf8'));
          seen.rpc.push({ call, headers: req.headers });
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ id: call.id, result: { url: `${base}/s3/`, fields: { key: 'stash/abc/resume.pdf' } } }));
          return;
        }
        if (req.url === '/s3/') {
          seen.uploads.push({ headers: req.headers, body });
          res.writeHead(204);
          res.end();
          return;
        }
        res.writeHead(404);
        res.end();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${server.address().port}`;
      resolve({ base, seen, close: () => new Promise((r) => server.close(r)) });
    });
  });

describe('resume file hydrator against the real hub', () => {
  let fake;
  let helpers;
  let App;
  let appTester;

  beforeAll(async () => {
    fake = await startZapierFake();
    process.env.ZAPIER_BASE_ENDPOINT = fake.base;
    process.env.ZAPIER_DEPLOY_KEY = 'test-deploy-key';
    jest.resetModules();
    helpers = require('./helpers');
    App = require('../index');
    appTester = helpers.tester(App);
  });
  afterAll(async () => {
    delete process.env.ZAPIER_BASE_ENDPOINT;
    delete process.env.ZAPIER_DEPLOY_KEY;
    if (fake) await fake.close();
  });

  it('stashes the file behind the signed resume link', async () => {
    const s = helpers.state();
    const c = await helpers.api(s, 'POST', '/v1/candidates', {
      full_name: 'Lena Fischer',
      email: `${helpers.unique('lena')}@example.com`,
    });
    expect(c.status).toBe(201);
    const up = await fetch(`${s.url}/v1/candidates/${c.json.id}/resume?filename=lena-cv.pdf`, {
      method: 'PUT',
      headers: { 'X-API-Key': s.api_key, 'Content-Type': 'application/pdf' },
      body: PDF,
    });
    expect(up.status).toBe(200);
    const candidate = await up.json();
    expect(candidate.resume.url).toMatch(/sig=/);

    // The signed link works without a key, as the hydrator relies on.
    expect((await fetch(candidate.resume.url)).status).toBe(200);

    const stashed = await appTester(App.hydrators.resume, helpers.bundle(s, { inputData: { url: candidate.resume.url } }));
    expect(stashed).toBe(`${fake.base}/s3/stash/abc/resume.pdf`);
    expect(fake.seen.rpc.map((r) => r.call.method)).toContain('get_presigned_upload_post_data');
    expect(fake.seen.uploads).toHaveLength(1);
    const upload = fake.seen.uploads[0].body;
    expect(upload.includes(PDF)).toBe(true);
    expect(upload.toString('latin1')).toContain('lena-cv.pdf');
  });
});
