'use strict';

// Builds and runs the real visage-hub for the tests: one `go build` into a
// temporary folder, SQLite in that folder, a free loopback port, and an
// account with API keys made through the hub's own CLI.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

// findGo looks on PATH, then where the Go installer puts it.
const findGo = () => {
  for (const dir of (process.env.PATH || '').split(path.delimiter).concat(['/usr/local/go/bin'])) {
    const p = path.join(dir, 'go');
    if (dir && fs.existsSync(p)) return p;
  }
  throw new Error('go is not installed: the Zapier tests run against the real hub and need it');
};

// build compiles cmd/visage-hub once into dir and returns the binary.
const build = (dir) => {
  const bin = path.join(dir, 'visage-hub');
  execFileSync(findGo(), ['build', '-o', bin, './cmd/visage-hub'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  return bin;
};

// freePort asks the kernel for an unused loopback port.
const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

// cli runs one hub command against the hub's database and returns stdout.
const cli = (hub, args) =>
  execFileSync(hub.bin, args, { env: hub.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

// waitReady polls /readyz until it answers 200 or the deadline passes.
const waitReady = async (hub, deadlineMs) => {
  const until = Date.now() + deadlineMs;
  let last = 'no answer';
  while (Date.now() < until) {
    if (hub.exited) throw new Error(`visage-hub serve exited (${hub.exited}): ${hub.log()}`);
    try {
      const res = await fetch(`${hub.url}/readyz`);
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`visage-hub did not become ready in ${deadlineMs} ms (${last}): ${hub.log()}`);
};

// startHub starts `visage-hub serve` with its own SQLite file; extraEnv
// overrides settings (the throttling test lowers the rate limit).
const startHub = async ({ bin, dir, extraEnv = {} }) => {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME || os.tmpdir(),
    VISAGE_ADDR: `127.0.0.1:${port}`,
    VISAGE_PUBLIC_URL: url,
    VISAGE_DATABASE_URL: path.join(dir, 'visage.db'),
    VISAGE_ALLOW_PRIVATE_TARGETS: 'all',
    VISAGE_LOG_FORMAT: 'json',
    VISAGE_DISPATCH_POLL: '1s',
    VISAGE_WEBHOOK_RETRY_SCHEDULE: '1s,1s',
    ...extraEnv,
  };
  const hub = { bin, dir, port, url, env, exited: null };
  const account = cli(hub, ['accounts', 'create', '--name', 'Acme Recruiting']);
  const key = JSON.parse(cli(hub, ['keys', 'create', '--account', account, '--label', 'Zapier tests', '--json']));
  const revoked = JSON.parse(cli(hub, ['keys', 'create', '--account', account, '--label', 'revoked', '--json']));
  cli(hub, ['keys', 'revoke', '--account', account, '--id', revoked.id]);
  const other = cli(hub, ['accounts', 'create', '--name', 'Other Agency']);
  const otherKey = cli(hub, ['keys', 'create', '--account', other, '--label', 'other']);

  const logPath = path.join(dir, 'hub.log');
  const logFd = fs.openSync(logPath, 'a');
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  proc.on('exit', (code, signal) => {
    hub.exited = signal || `code ${code}`;
  });
  hub.pid = proc.pid;
  hub.proc = proc;
  hub.log = () => {
    try {
      return fs.readFileSync(logPath, 'utf8').slice(-4000);
    } catch (err) {
      return '';
    }
  };
  await waitReady(hub, 30000);
  return {
    hub,
    state: {
      url,
      dir,
      bin,
      pid: proc.pid,
      account_id: account,
      account_name: 'Acme Recruiting',
      api_key: key.key,
      key_label: key.label,
      revoked_key: revoked.key,
      other_key: otherKey,
    },
  };
};

// stopHub ends a hub this code started, by its process id, and waits.
const stopHub = (proc) =>
  new Promise((resolve) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }, 10000).unref();
  });

module.exports = { build, startHub, stopHub, freePort, REPO };
