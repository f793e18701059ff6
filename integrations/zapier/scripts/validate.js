'use strict';

// Zapier's structural validation, offline and on Node 20: the same check
// `zapier-platform validate --without-style` runs (the CLI needs Node 22).
// Prints the problems as JSON and exits 1 when there are any.
const zapier = require('zapier-platform-core');
const app = require('../index');

const validate = async () => {
  const result = await zapier.createAppHandler(app)({ command: 'validate' });
  return result.results;
};

if (require.main === module) {
  validate().then(
    (errors) => {
      process.stdout.write(`${JSON.stringify(errors, null, 2)}\n`);
      process.exit(errors.length ? 1 : 0);
    },
    (err) => {
      process.stderr.write(`${err.stack}\n`);
      process.exit(2);
    }
  );
}

module.exports = { validate };
