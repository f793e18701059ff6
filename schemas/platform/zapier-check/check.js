'use strict';
// Validates Zapier fields rendered by the Go package schemas with
// zapier-platform-schema's own validator (the JSON Schemas plus the
// functional constraints `zapier-platform validate` runs offline).
//
// stdin: {"inputs": {"<schema>": [inputFields]}, "outputs": {"<schema>": [outputFields]}}
// Each input list becomes a create's inputFields and each output list a
// polling trigger's outputFields in a minimal app definition.
// Or stdin: {"app": <GET /v1/meta/zapier>}: its triggers, creates, searches
// and searchOrCreates are checked as they are, each entry's inputFields,
// outputFields and sample moved into an operation with a stub perform (the
// Zapier app's own code).
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

// fromMeta builds an app definition from the /v1/meta/zapier document.
const fromMeta = (meta) => {
  const app = {
    version: '1.0.0',
    platformVersion: require('zapier-platform-schema/package.json').version,
  };
  for (const section of ['triggers', 'creates', 'searches']) {
    app[section] = {};
    for (const [key, entry] of Object.entries(meta[section] || {})) {
      const { inputFields, outputFields, sample, ...rest } = entry;
      const op = operation({ sample });
      if (inputFields !== undefined) op.inputFields = inputFields;
      if (outputFields !== undefined) op.outputFields = outputFields;
      app[section][key] = { ...rest, operation: op };
    }
  }
  if (meta.searchOrCreates) app.searchOrCreates = meta.searchOrCreates;
  return app;
};

const main = async () => {
  const input = JSON.parse(await read());
  if (input.app) {
    const { errors } = validateAppDefinition(fromMeta(input.app));
    const messages = errors.map((e) => `${e.property}: ${e.message}`);
    process.stdout.write(JSON.stringify({ errors: messages }) + '\n');
    process.exitCode = messages.length ? 1 : 0;
    return;
  }
  const { inputs = {}, outputs = {} } = input;
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
