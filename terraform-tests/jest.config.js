/** Jest for `npm run test:terraform`: the Terraform proof of every example, apart from `npm test`. */
const base = require("../jest.config.js");

module.exports = {
  ...base,
  rootDir: "..",
  roots: ["<rootDir>/terraform-tests"],
  testMatch: ["**/terraform-tests/**/*.test.ts"],
};
