'use strict';

// The operations' keys, labels, fields and samples, generated from the hub's
// catalog by `visage-hub gen integrations` (integrations/gen/zapier.go).
// Nothing in lib/ spells a field: it all comes from here, so the app cannot
// drift from what the hub accepts.
const catalog = require('../generated/catalog.json');

module.exports = catalog;
