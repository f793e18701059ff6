'use strict';

// A local HTTP receiver standing in for hooks.zapier.com: it records each
// POST (headers and parsed JSON body) and answers 200.
const http = require('http');

const startReceiver = () =>
  new Promise((resolve, reject) => {
    const received = [];
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body = null;
        try {
          body = JSON.parse(raw);
        } catch (err) {
          body = null;
        }
        received.push({ method: req.method, path: req.url, headers: req.headers, raw, body });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"status":"success"}');
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(r)) });
    });
  });

module.exports = { startReceiver };
