// Flat config: typescript-eslint's recommended rules over every TypeScript source in the workspaces.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/lib/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // JupyterLab conventions (style.md): `IOptions` in a namespace named like its class,
    // a `namespace Private` for helpers, a `CommandIDs` namespace.
    files: ["extension/**/*.ts", "extension/**/*.tsx"],
    rules: { "@typescript-eslint/no-namespace": "off" },
  },
);
