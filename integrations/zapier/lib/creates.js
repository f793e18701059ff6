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
  display: a.display,
  operation: {
    inputFields: a.inputFields,
    perform: async (z, bundle) => {
      const response = await z.request({
        url: url(bundle, `/v1/actions/${encodeURIComponent(a.key)}`),
        method: 'POST',
        body: unflatten(a.inputFields, bundle.inputData),
      });
      return withResumeFile(z, response.data);
    },
    sample: a.sample,
    outputFields: a.outputFields,
  },
});

module.exports = Object.fromEntries(catalog.creates.map((a) => [a.key, create(a)]));
