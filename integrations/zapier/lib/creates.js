'use strict';

const catalog = require('./catalog');
const { url } = require('./http');
const { unflatten } = require('./inputs');
const { withResumeFile } = require('./files');

// Every catalog action is a Zapier create: POST /v1/actions/{key} with the
// inputs unflattened into the action's JSON input; the hub answers with the
// job or candidate, which is the create's output.
const create = (a) => ({
  key: a.key,
  noun: a.noun,
  display: { label: a.label, description: a.description },
  operation: {
    inputFields: a.input_fields,
    perform: async (z, bundle) => {
      const response = await z.request({
        url: url(bundle, `/v1/actions/${encodeURIComponent(a.key)}`),
        method: 'POST',
        body: unflatten(a.input_fields, bundle.inputData),
      });
      return withResumeFile(z, response.data);
    },
    sample: a.sample,
    outputFields: a.output_fields,
  },
});

module.exports = Object.fromEntries(catalog.creates.map((a) => [a.key, create(a)]));
