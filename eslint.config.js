// Lint: typescript-eslint, lit and lit-a11y rules, and the layer rules of HOUSE_STYLE.md
// (dependencies point one way: schemas ← domain ← storage/http/import ← main/cli; web imports only schemas and AppType).
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** What web/ may import from the server. */
const WEB_LAYERS = [
  {
    group: ['../../server/*', '!../../server/schemas', '!../../server/domain', '../../server/domain/*', '!../../server/domain/text.js', '!../../server/domain/code-tree.js', '!../../server/domain/permissions.js', '../../server/storage/*', '../../server/import/*'],
    message: 'web/ imports only server/schemas/**, the pure server/domain/text.js, code-tree.js, permissions.js and the AppType',
  },
  { group: ['../server/*', '!../server/http', '!../server/schemas', '!../server/domain', '../server/domain/*', '!../server/domain/text.js', '!../server/domain/code-tree.js', '!../server/domain/permissions.js'], message: 'web/ imports only server/schemas/**, server/domain/text.js, code-tree.js, permissions.js and the AppType' },
];
/** Raw HTML reaches the DOM only through web/markdown.ts, after DOMPurify. */
const UNSAFE_HTML = { group: ['lit/directives/unsafe-html.js', 'lit/directives/unsafe-svg.js', 'lit/directives/unsafe-mathml.js'], message: 'render user text as text; Markdown goes through renderMarkdown() in web/markdown.ts (sanitised)' };

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'data/', 'bench/out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['server/schemas/**/*.ts'],
    rules: restrict([{ group: ['../domain/*', '../storage/*', '../http/*', '../import/*', '../export/*', 'hono', 'hono/*', 'lowdb', 'node:*'], message: 'schemas depend on zod only' }]),
  },
  {
    files: ['server/domain/**/*.ts'],
    rules: restrict([
      { group: ['../storage/*', '../http/*', '../import/*', '../export/*', '../main.js', '../cli.js'], message: 'domain/ must not depend on outer layers' },
      { group: ['hono', 'hono/*', '@hono/*', 'lowdb', 'lowdb/*', 'node:fs', 'node:fs/*', 'node:path'], message: 'domain/ is pure: no Hono, lowdb or file system' },
    ]),
  },
  {
    files: ['server/storage/**/*.ts', 'server/import/**/*.ts', 'server/export/**/*.ts'],
    rules: restrict([{ group: ['../http/*', '../main.js', '../cli.js', 'hono', 'hono/*'], message: 'adapters and importers do not know HTTP' }]),
  },
  {
    files: ['server/http/**/*.ts'],
    rules: restrict([{ group: ['../storage/*', 'lowdb', 'lowdb/*'], message: 'HTTP talks to the Store interface, never to an adapter' }]),
  },
  {
    files: ['web/**/*.ts'],
    ...lit.configs['flat/recommended'],
    plugins: { lit, 'lit-a11y': litA11y },
    rules: {
      ...lit.configs['flat/recommended'].rules,
      ...litA11y.configs.recommended.rules,
      ...restrict([...WEB_LAYERS, UNSAFE_HTML]),
    },
  },
  {
    files: ['web/markdown.ts'],
    rules: restrict(WEB_LAYERS),
  },
  {
    files: ['web/**/*.ts'],
    rules: { 'no-restricted-properties': ['error', { property: 'innerHTML', message: 'render user text as text (lit templates escape it)' }, { property: 'outerHTML', message: 'render user text as text' }] },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='natural']", message: "import natural's submodules, not its main entry (1 s load, stdout noise, reads .env)" }] },
  },
);
