// Flat config: typescript-eslint's recommended rules over every TypeScript source in the workspaces.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/lib/**", "**/*.js", "**/*.mjs"] },
  // Generated from server/openapi.yaml (scripts/generate-protocol.mjs): openapi-typescript's names.
  { ignores: ["kernel-lib/src/wire.ts", "server/src/wire.ts", "extension/wire.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      // A body on its own line always has braces (the misleading `if (x)\n  a(); b();` cannot
      // happen); `if (done) return;` on one line stays as the kernel library and server write it.
      curly: ["error", "multi-line", "consistent"],
    },
  },
  {
    // JupyterLab conventions (style.md): `IOptions` in a namespace named like its class,
    // a `namespace Private` for helpers, a `CommandIDs` namespace.
    // JupyterLab's own rules for its packages: every body in braces; interfaces named `IName`,
    // private members `_name`.
    files: ["extension/**/*.ts", "extension/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-namespace": "off",
      curly: ["error", "all"],
      "@typescript-eslint/naming-convention": [
        "error",
        {
          selector: "interface",
          format: ["PascalCase"],
          custom: { regex: "^I[A-Z]", match: true },
        },
        {
          selector: "memberLike",
          modifiers: ["private"],
          format: ["camelCase"],
          leadingUnderscore: "require",
        },
      ],
    },
  },
);
