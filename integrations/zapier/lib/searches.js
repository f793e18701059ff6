'use strict';

const catalog = require('./catalog');
const { url } = require('./http');
const { queryParams } = require('./inputs');
const { withResumeFile } = require('./files');

// Every catalog search is a Zapier search: GET /v1/searches/{key} with the
// inputs as query parameters; the hub answers with a list, [] when nothing
// matches (Zapier's "not found").
const search = (s) => ({
  key: s.key,
  noun: s.noun,
  display: s.display,
  operation: {
    inputFields: s.inputFields,
    perform: async (z, bundle) => {
      const response = await z.request({
        url: url(bundle, `/v1/searches/${encodeURIComponent(s.key)}`),
        params: queryParams(s.inputFields, bundle.inputData),
      });
      if (!Array.isArray(response.data)) {
        throw new z.errors.Error(`Visage answered ${s.key} with something other than a list.`, 'bad_response', 502);
      }
      return response.data.map((r) => withResumeFile(z, r));
    },
    sample: s.sample,
    outputFields: s.outputFields,
  },
});

const searches = Object.fromEntries(catalog.searches.map((s) => [s.key, search(s)]));

// Search-or-create for the searches whose catalog entry names a fallback
// create (find_candidate → create_candidate, find_job → create_job); the
// key equals the search's, as Zapier requires.
const searchOrCreates = Object.fromEntries(catalog.searchOrCreates.map((soc) => [soc.key, soc]));

module.exports = { searches, searchOrCreates };
