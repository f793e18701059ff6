'use strict';

const catalog = require('./catalog');
const { url } = require('./http');

// test is Zapier's connection check: GET /v1/me answers for a working key
// (a bad or revoked one fails in afterResponse with a clear message).
const test = async (z, bundle) => {
  const response = await z.request({ url: url(bundle, '/v1/me') });
  return response.data;
};

// connectionLabel names the connection after the account and the key's
// label, so a user with several keys can tell them apart.
const connectionLabel = (z, bundle) => {
  const me = bundle.inputData || {};
  const name = me.account_name || me.account_id || 'Visage';
  return me.key_label ? `${name} (${me.key_label})` : name;
};

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'api_key',
      label: 'API key',
      type: 'password',
      required: true,
      helpText:
        'An API key from Visage > Settings > API keys (it starts with vsk_). Revoking it there disconnects this Zap.',
    },
    {
      key: 'base_url',
      label: 'Visage URL',
      type: 'string',
      required: false,
      default: catalog.default_base_url,
      helpText: `Leave as ${catalog.default_base_url} unless your company runs its own Visage hub.`,
    },
  ],
  test,
  connectionLabel,
};
