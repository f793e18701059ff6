'use strict';

// What every test file shares: the running hub's state, an appTester for
// the app, a bundle with this account's key, and a plain API client for
// setting things up in the hub the way another system would.
const fs = require('fs');
const zapier = require('zapier-platform-core');

const state = () => {
  const p = process.env.VISAGE_TEST_STATE;
  if (!p) throw new Error('VISAGE_TEST_STATE is not set: run the tests with jest (globalSetup starts the hub)');
  return JSON.parse(fs.readFileSync(p, 'utf8'));
};

const authData = (s, key = s.api_key) => ({ api_key: key, base_url: s.url });

const bundle = (s, extra = {}) => ({ authData: authData(s), inputData: {}, meta: {}, ...extra });

// api calls the hub directly (not through the app), for setup and checks.
const api = async (s, method, path, body, key = s.api_key) => {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { 'X-API-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (err) {
    json = null;
  }
  return { status: res.status, json, text, headers: res.headers };
};

// waitFor polls check until it returns a truthy value or the deadline passes.
const waitFor = async (check, { deadlineMs = 20000, what = 'condition' } = {}) => {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

// unique makes e-mail addresses and external IDs that no other test uses.
let n = 0;
const unique = (prefix) => `${prefix}-${process.pid}-${Date.now()}-${(n += 1)}`;

const tester = (app) => zapier.createAppTester(app);

module.exports = { state, authData, bundle, api, waitFor, unique, tester, zapier };
