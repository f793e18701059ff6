'use strict';

const fs = require('fs');
const { stopHub } = require('./hub');

// jest globalTeardown: stop the hub globalSetup started and remove its folder.
module.exports = async () => {
  const h = globalThis.__VISAGE_HUB__;
  if (!h) return;
  await stopHub(h.proc);
  if (!process.env.VISAGE_KEEP_TEST_DIR) {
    fs.rmSync(h.dir, { recursive: true, force: true });
  }
};
