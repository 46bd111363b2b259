/** Jest runs the TypeScript tests in __tests__/ through ts-jest. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/__tests__/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/"],
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  globalSetup: "<rootDir>/test-support/jest-global-setup.ts",
  globalTeardown: "<rootDir>/test-support/jest-global-teardown.ts",
};
