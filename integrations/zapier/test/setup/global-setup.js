'use strict';

// jest globalSetup: one real hub for every test file. The state (URL, keys)
// reaches the test files through a JSON file named by VISAGE_TEST_STATE.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { build, startHub } = require('./hub');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visage-zapier-'));
  const bin = build(dir);
  const { hub, state } = await startHub({ bin, dir: path.join(dir, 'main') });
  const statePath = path.join(dir, 'state.json');
  fs.writeFileSync(statePath, JSON.stringify({ ...state, root: dir }, null, 2));
  process.env.VISAGE_TEST_STATE = statePath;
  globalThis.__VISAGE_HUB__ = { proc: hub.proc, dir };
};
