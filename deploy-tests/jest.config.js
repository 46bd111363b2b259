/** Jest for `npm run test:deploy`: the emulator deploy tests against a local AWS API emulator, apart from `npm test`. */
const base = require("../jest.config.js");

module.exports = {
  ...base,
  rootDir: "..",
  roots: ["<rootDir>/deploy-tests"],
  testMatch: ["**/deploy-tests/**/*.test.ts"],
};
