'use strict';

// Visage for Zapier. Operations, fields and samples come from
// generated/catalog.json (written by `visage-hub gen integrations` from the
// hub's catalog); this file only wires them together.
const { version: platformVersion } = require('zapier-platform-core');
const { version } = require('./package.json');

const authentication = require('./lib/auth');
const { addApiKey, handleErrors } = require('./lib/http');
const hydrators = require('./lib/hydrators');
const triggers = require('./lib/triggers');
const creates = require('./lib/creates');
const { searches, searchOrCreates } = require('./lib/searches');

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [handleErrors],
  hydrators,
  triggers,
  creates,
  searches,
  searchOrCreates,
};
