/** Jest for `npm run test:deploy`: the deploy rehearsal against a local AWS API emulator, apart from `npm test`. */
const base = require("../jest.config.js");

module.exports = { ...base, rootDir: "..", roots: ["<rootDir>/rehearsal"], testMatch: ["**/rehearsal/**/*.test.ts"] };
