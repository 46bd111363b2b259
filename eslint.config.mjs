// ESLint for the project's TypeScript and its two CommonJS launchers: typescript-eslint's recommended
// rules, with unused names allowed only when they start with an underscore.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".build/", "cdktf.out/", ".gen/", ".venv/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The tools escape and detect control characters in hostile input on purpose.
      "no-control-regex": "off",
    },
  },
  {
    // jest.isolateModules and the compiled build are loaded with require() inside the tests.
    files: ["__tests__/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.cjs", "**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
