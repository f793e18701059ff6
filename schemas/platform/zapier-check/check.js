'use strict';
// Validates Zapier fields rendered by the Go package schemas with
// zapier-platform-schema's own validator (the JSON Schemas plus the
// functional constraints `zapier-platform validate` runs offline).
//
// stdin: {"inputs": {"<schema>": [inputFields]}, "outputs": {"<schema>": [outputFields]}}
// Each input list becomes a create's inputFields and each output list a
// polling trigger's outputFields in a minimal app definition.
// stdout: {"errors": ["<path>: <message>", ...]}; exit 1 when there are any.
const { validateAppDefinition } = require('zapier-platform-schema');

const read = () =>
  new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });

const operation = (extra) => ({
  perform: { source: 'return [];' },
  sample: { id: 'sample_1' },
  ...extra,
});

const display = (label) => ({
  label,
  description: `Checks the rendered fields of ${label}.`,
});

const main = async () => {
  const { inputs = {}, outputs = {} } = JSON.parse(await read());
  const app = {
    version: '1.0.0',
    platformVersion: require('zapier-platform-schema/package.json').version,
    creates: {},
    triggers: {},
  };
  for (const [name, fields] of Object.entries(inputs)) {
    const key = `in_${name}`;
    app.creates[key] = { key, noun: 'Record', display: display(`Check ${name}`), operation: operation({ inputFields: fields }) };
  }
  for (const [name, fields] of Object.entries(outputs)) {
    const key = `out_${name}`;
    app.triggers[key] = { key, noun: 'Record', display: display(`Check ${name}`), operation: operation({ outputFields: fields }) };
  }
  const { errors } = validateAppDefinition(app);
  const messages = errors.map((e) => `${e.property}: ${e.message}`);
  process.stdout.write(JSON.stringify({ errors: messages }) + '\n');
  process.exitCode = messages.length ? 1 : 0;
};

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exitCode = 2;
});
