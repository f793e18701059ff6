'use strict';

const { stashResume } = require('./files');

// hydrators are referenced by z.dehydrateFile; the app exports this object.
module.exports = { resume: stashResume };
