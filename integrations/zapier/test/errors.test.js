'use strict';

const os = require('os');
const fs = require('fs');
const path = require('path');
const App = require('../index');
const { state, bundle, api, tester } = require('./helpers');
const { startHub, stopHub } = require('./setup/hub');

const appTester = tester(App);

describe('errors from the real hub', () => {
  const s = state();

  // An ad-hoc request through the app's middleware (beforeRequest with the
  // key, afterResponse with the error handling).
  const call = (request) => appTester((z) => z.request({ ...request, url: `${s.url}${request.path}` }), bundle(s));

  it('surfaces a validation problem with its detail and every field it names', async () => {
    const err = await call({ path: '/v1/jobs', method: 'POST', body: { title: '', workplace_type: 'moon' } }).catch(
      (e) => e
    );
    expect(err.name).toBe('AppError');
    const parsed = JSON.parse(err.message);
    expect(parsed.status).toBe(422);
    expect(parsed.code).toMatch(/\w/);
    expect(parsed.message).toMatch(/title/);
    expect(parsed.message).toMatch(/workplace_type/);
  });

  it('surfaces malformed JSON as the hub words it', async () => {
    const err = await call({
      path: '/v1/jobs',
      method: 'POST',
      body: '{"title": ',
      headers: { 'Content-Type': 'application/json' },
    }).catch((e) => e);
    const parsed = JSON.parse(err.message);
    expect(parsed.status).toBe(400);
    expect(parsed.message.length).toBeGreaterThan(10);
  });

  it("surfaces an unknown or another account's ID as not found", async () => {
    const theirs = await api(s, 'POST', '/v1/jobs', { title: 'Their job' }, s.other_key);
    expect(theirs.status).toBe(201);
    for (const id of ['job_01jndmj1srae67z5nhcjzhq5xv', theirs.json.id]) {
      const err = await call({ path: `/v1/jobs/${id}` }).catch((e) => e);
      expect(JSON.parse(err.message)).toMatchObject({ status: 404 });
    }
  });

  describe('rate limiting', () => {
    let started;
    let dir;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visage-zapier-429-'));
      started = await startHub({ bin: s.bin, dir, extraEnv: { VISAGE_RATE_LIMIT: '2', VISAGE_RATE_WINDOW: '1h' } });
    });
    afterAll(async () => {
      if (started) await stopHub(started.hub.proc);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("becomes a ThrottledError with the hub's Retry-After, before afterResponse runs", async () => {
      const t = started.state;
      const b = bundle(t);
      let last;
      for (let i = 0; i < 5; i += 1) {
        last = await appTester(App.authentication.test, b).then(
          () => null,
          (e) => e
        );
        if (last) break;
      }
      expect(last).not.toBeNull();
      expect(last.name).toBe('ThrottledError');
      const { delay } = JSON.parse(last.message);
      expect(delay).toBeGreaterThan(0);
    });
  });
});
