// @ts-check
// `npm run lint`: typescript-eslint's type-aware recommended rules on all our code, and test
// rules that keep a focused or skipped test from reaching the main branch unnoticed.
import js from "@eslint/js";
import vitest from "@vitest/eslint-plugin";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["lib/db/generated/", "lib/validation/field-validators.generated.*", "node_modules/", ".esbuild*/", ".serverless/", "coverage/"]),
  {
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A ts-ignore comment silences whatever goes wrong on the next line, now and later;
      // @ts-expect-error fails once the error it expects is gone, and must say which one.
      "@typescript-eslint/ban-ts-comment": [
        "error",
        { "ts-ignore": true, "ts-nocheck": true, "ts-expect-error": "allow-with-description", minimumDescriptionLength: 10 },
      ],
      // middy handlers and vitest callbacks are typed to return a promise: `async` is the plain
      // way to say so, with or without an await inside.
      "@typescript-eslint/require-await": "off",
      // Our catch-and-rethrow sites replace the error on purpose at a boundary: API Gateway
      // matches the authorizer's "Unauthorized" exactly, the operator's shell shows one message,
      // the migration runner folds the database's message into its own. A `cause` would change
      // what those boundaries print.
      "preserve-caught-error": "off",
    },
  },
  {
    // This file itself: plain JavaScript outside tsconfig.json.
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // ajv-formats declares the plugin as its default export, but Node's ESM loader hands over
    // module.exports, whose `.default` is the plugin; ajv's Plugin type gives `.default` the
    // type `any`, so this one call cannot be checked.
    files: ["lib/validation/input-check.ts"],
    rules: { "@typescript-eslint/no-unsafe-call": "off" },
  },
  {
    files: ["test/**/*.ts"],
    extends: [vitest.configs.recommended],
    rules: {
      // Errors, not warnings, and never "fixed" silently by --fix: a focused or skipped test
      // turns a red suite green.
      "vitest/no-focused-tests": ["error", { fixable: false }],
      "vitest/no-disabled-tests": "error",
      "vitest/warn-todo": "error",
      "vitest/no-commented-out-tests": "error",
      // Helpers named expect… assert (e.g. expectRefusedWithoutChange).
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect*"] }],
      // A failed expect in beforeAll fails the file's tests with its message: the setup's own
      // checks ("the account was created") belong there.
      "vitest/no-standalone-expect": ["error", { additionalTestBlockFunctions: ["beforeAll", "beforeEach"] }],
      // vitest's expect(value, message) takes a message.
      "vitest/valid-expect": ["error", { maxArgs: 2 }],
      // expect.any(), expect.stringMatching() etc. are typed `any` so that they fit in any
      // expected shape.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    // The deployment test walks CloudFormation JSON; its assertions are what check its shape.
    files: ["test/deploy/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
);
