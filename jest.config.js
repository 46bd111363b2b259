/** Jest runs the TypeScript tests in __tests__/ through ts-jest. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/__tests__/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/"],
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  // Two workers even on 2 cores: many suites wait on the processes they spawn (terraform, the
  // commands, ip and ping), and a second worker fills those waits.
  maxWorkers: 2,
  // A private TMPDIR for the run; the run fails if a test leaves anything in it.
  globalSetup: "<rootDir>/test-support/global-setup.ts",
  globalTeardown: "<rootDir>/test-support/global-teardown.ts",
};
