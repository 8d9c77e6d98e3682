'use strict';
// Runs in a piscina worker thread so bcrypt never blocks the event loop (plain JS: loaded from src/ and dist/ alike).
const bcrypt = require('bcryptjs');

module.exports = function bcryptTask({ op, password, hash, rounds }) {
  if (op === 'hash') return bcrypt.hashSync(password, bcrypt.genSaltSync(rounds));
  return bcrypt.compareSync(password, hash);
};
