// Library build: one ESM file per source module (preserveModules) with lit, @lit/* and
// @mediapipe/* left as bare imports. CDN build: a single self-contained file that bundles lit so a
// plain page needs one <script type="module">, and the same as a classic script (IIFE) for AutoProctor
// integrations. Declarations come from `tsc --emitDeclarationOnly`.
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import MagicString from 'magic-string';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { rollup } from 'rollup';
import { transformSync } from 'esbuild';

/**
 * Minifies the CSS of each element's styles module (`css\`…\`` in src/elements/*\/*.styles.ts) with
 * esbuild's CSS minifier: the templates hold plain CSS (no interpolations, no escapes; checked).
 */
const minifyStyles = () => ({
  name: 'minify-element-styles',
  transform(code, id) {
    if (!id.endsWith('.styles.ts')) return null;
    return {
      code: code.replace(/css`([^`]*)`/g, (whole, text) =>
        /[$\\]/.test(text) ? whole : `css\`${transformSync(text, { loader: 'css', minify: true }).code.trim()}\``,
      ),
      map: null,
    };
  },
});

/**
 * Collapses the indentation in Lit's `html` and `svg` templates of a bundle: each run of whitespace
 * that holds a line break becomes one line break. The DOM differs only in whitespace that renders
 * the same (collapsible whitespace: the elements have no `<pre>`, `<textarea>` or `white-space:
 * pre*`), and the build fails where such a run is inside a quoted attribute value, where it would
 * not be the same. Runs after esbuild (plain JavaScript), on the templates of modules under src/.
 */
const collapseTemplates = () => ({
  name: 'collapse-template-whitespace',
  transform(code, id) {
    if (!slash(id).startsWith(slash(resolve('src')) + '/')) return null;
    const edited = new MagicString(code);
    const visit = (node) => {
      if (!node || typeof node.type !== 'string') return;
      if (node.type === 'TaggedTemplateExpression' && ['html', 'svg'].includes(node.tag.name)) {
        let quote = '';
        for (const quasi of node.quasi.quasis) {
          const raw = quasi.value.raw;
          if (raw.includes('\\')) continue; // (none has an escape: left as it is)
          for (const [i, ch] of [...raw].entries()) {
            if (quote && ch === quote) quote = '';
            else if (!quote && (ch === '"' || ch === "'") && raw[i - 1] === '=') quote = ch;
            else if (quote && ch === '\n')
              this.error(`${id}: a line break inside a quoted attribute value of a template`);
          }
          const collapsed = raw.replace(/\s*\n\s*/g, '\n');
          if (collapsed !== raw) edited.overwrite(quasi.start, quasi.end, collapsed);
        }
      }
      for (const value of Object.values(node))
        if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === 'object') visit(value);
    };
    visit(this.parse(code));
    return edited.hasChanged() ? { code: edited.toString(), map: edited.generateMap({ hires: true }) } : null;
  },
});

/**
 * The classic script's lazy parts. An IIFE cannot split its code, so each part is a native import()
 * of a file in the asset base, with an absolute URL made from `getAssetBase()`: the script's own
 * `../assets/`, or the base the page set with `setAssetBase()` (a relative specifier ignored that
 * base, and left the URL to how each engine resolves a classic script's import()). In the source
 * the part is a plain `import('<specifier>')` in `importer`, which the module builds bundle.
 *
 * - The QR encoder (`vendor/qrcode.mjs`, copied by scripts/assets.mjs): a mobile check only.
 * - `<ap-report>` (`report/ap-report.mjs`): only after the exam (`loadReportElement()`).
 * - `<ap-mobile-camera>` (`phone/ap-mobile-camera.mjs`): the phone page's element, never used by an
 *   exam page (`loadMobileCameraElement()`).
 * - `<ap-requirements-check>` with the check services (`checks/ap-requirements-check.mjs`, entry
 *   src/elements/ap-requirements-check/part.ts, and the modules in its `also`): an AutoProctor page
 *   runs it for `auxiliaryDevice` pairing, a page with the tag in its markup gets it before
 *   `apLibReady` (`loadRequirementsCheckElement()`), and `ProctorElements.run…Check()` loads it.
 *
 * An element's part is built here from the modules of its `entry`'s folder (and `also`); what they import from
 * elsewhere (Lit, messages, errors, the report data) the part takes from the classic script that
 * loaded it, so the page has one Lit and one locale table: the script hands over exactly the bindings
 * the parts import, in one object for all parts under `Symbol.for('proctor-elements <version> lazy
 * parts')` (a part from another version finds nothing there and fails with a message that says so).
 * The static imports of a part's modules from the files listed in `stubbedIn` (the package root's
 * `ApReport`, `ApMobileCamera`, `RequirementsRunner`, …) get `undefined` for each name in the
 * script; the build fails on any other import of them, and if any module of a part ends up in the
 * script.
 */
const LAZY_PARTS = [
  { importer: 'src/elements/qr.ts', specifier: 'qrcode-generator', asset: 'vendor/qrcode.mjs' },
  {
    importer: 'src/report/load-element.ts',
    specifier: '../elements/ap-report/ap-report.js',
    asset: 'report/ap-report.mjs',
    entry: 'src/elements/ap-report/ap-report.ts',
    stubbedIn: ['src/index.ts'],
  },
  {
    importer: 'src/checks/load-element.ts',
    specifier: '../elements/ap-requirements-check/part.js',
    asset: 'checks/ap-requirements-check.mjs',
    entry: 'src/elements/ap-requirements-check/part.ts',
    // the check services but the screen share's (monitoring asks for the screen with it) and the
    // small synchronous helpers (common.ts), the option specs' engine (options.ts) and the types
    also: ['runner', 'settings', 'microphone', 'speakers', 'bandwidth', 'webcam', 'mobile'].map(
      (name) => `src/checks/${name}.ts`,
    ),
    stubbedIn: ['src/index.ts'],
  },
  {
    importer: 'src/pairing/load-element.ts',
    specifier: '../elements/ap-mobile-camera/ap-mobile-camera.js',
    asset: 'phone/ap-mobile-camera.mjs',
    entry: 'src/elements/ap-mobile-camera/ap-mobile-camera.ts',
    stubbedIn: ['src/index.ts'],
  },
];
const VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version;
const slash = (p) => p.replaceAll('\\', '/');
// the handover (see LAZY_PARTS): a module the parts import is held once, with the names they all take
const SHARED_KEY = JSON.stringify(`proctor-elements ${VERSION} lazy parts`);
const afterColon = (id) => id.slice(id.indexOf(':') + 1);
/** A module of `part`: in its entry's folder, or one of the modules it also takes (`also`). */
const inFolder = (part, id) =>
  slash(id).startsWith(slash(resolve(dirname(part.entry))) + '/') ||
  (part.also ?? []).some((file) => slash(resolve(file)) === slash(id));

/**
 * Builds a lazy part with an `entry` into dist/assets/<asset> (an ES module that imports nothing)
 * and answers what it takes from the classic script: module key → { id, names }.
 */
async function buildLazyPart(part) {
  const shared = new Map();
  const exported = new Map(); // module of the part → its export names
  const resolutions = new Map(); // importer \n source → id
  const keyOf = (id) => slash(relative(process.cwd(), id)).replace(/^node_modules\//, '');
  const fromHost = {
    name: 'from-classic-script',
    async resolveId(source, importer, options) {
      if (source === '\0host') return source;
      if (!importer || !inFolder(part, importer) || source.startsWith('\0')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external) this.error(`${part.asset}: cannot resolve ${source} from ${importer}`);
      let id = resolved.id;
      // (node-resolve hands its answer back through this hook: already a host module then)
      if (!id.startsWith('\0host:')) {
        if (inFolder(part, id)) return resolved;
        const key = keyOf(id);
        if (!shared.has(key)) shared.set(key, { id, names: new Set() });
        id = `\0host:${key}`;
      }
      resolutions.set(`${importer}\n${source}`, id);
      return id;
    },
    load(id) {
      if (id === '\0host')
        return (
          `const shared = globalThis[Symbol.for(${SHARED_KEY})];\n` +
          `if (!shared) throw new Error(${JSON.stringify(`${part.asset} is a part of proctor-elements ${VERSION}'s classic script (autoproctor.js) and loads only through it`)});\n` +
          'export default shared;'
        );
      if (id.startsWith('\0host:'))
        return {
          code: `import shared from '\0host';\nexport default shared[${JSON.stringify(afterColon(id))}];`,
          syntheticNamedExports: true,
        };
      return null;
    },
    // what each module of the part exports (the classic script's stubs of them)
    buildEnd() {
      for (const id of this.getModuleIds())
        if (!id.startsWith('\0') && inFolder(part, id)) exported.set(slash(id), this.getModuleInfo(id).exports ?? []);
    },
    // the names each module of the part imports from outside its folder
    moduleParsed(info) {
      if (!inFolder(part, info.id)) return;
      for (const node of info.ast.body) {
        if (node.type === 'ExportAllDeclaration' || (node.type === 'ExportNamedDeclaration' && node.source))
          this.error(`${part.asset}: ${info.id} re-exports from ${node.source.value}`);
        if (node.type !== 'ImportDeclaration') continue;
        const resolved = resolutions.get(`${info.id}\n${node.source.value}`);
        if (!resolved?.startsWith('\0host:')) continue;
        for (const s of node.specifiers) {
          if (s.type === 'ImportNamespaceSpecifier') this.error(`${part.asset}: ${info.id} imports a namespace`);
          shared.get(afterColon(resolved)).names.add(s.type === 'ImportDefaultSpecifier' ? 'default' : s.imported.name);
        }
      }
    },
  };
  const bundle = await rollup({
    input: part.entry,
    plugins: [fromHost, nodeResolve({ exportConditions: ['production'] }), ...bundled()],
  });
  const { output } = await bundle.write({
    file: `dist/assets/${part.asset}`,
    format: 'es',
    sourcemap: true,
    plugins: [terser({ module: true, compress: { passes: 3 }, format: { comments: false } })],
  });
  await bundle.close();
  const [chunk] = output;
  if (chunk.imports.length || chunk.dynamicImports.length)
    throw new Error(
      `${part.asset} imports ${[...chunk.imports, ...chunk.dynamicImports].join(', ')}: it must import nothing`,
    );
  return { shared, exported };
}

const lazyFromAssetBase = (parts) => {
  const built = new Map();
  const assetsModule = resolve('src/detection/assets.ts');
  return {
    name: 'lazy-from-asset-base',
    async buildStart() {
      for (const part of parts) if (part.entry) built.set(part.asset, await buildLazyPart(part));
    },
    async resolveId(source, importer, options) {
      if (source === 'lazy-host') return '\0lazy-host';
      if (!importer || importer.startsWith('\0')) return null;
      const entries = parts.filter((part) => part.entry);
      if (!entries.length) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const part = resolved && entries.find((p) => inFolder(p, resolved.id));
      if (!part) return null;
      if (!part.stubbedIn.some((file) => slash(importer) === slash(resolve(file))))
        this.error(`${importer} imports ${source}, of the lazy ${part.asset}: use import() there (or import type)`);
      return `\0lazy-stub:${part.asset}\n${slash(resolved.id)}`;
    },
    load(id) {
      if (id.startsWith('\0lazy-stub:')) {
        const [asset, module] = afterColon(id).split('\n');
        const names = built.get(asset).exported.get(module);
        if (!names) this.error(`${module} is not a module of the lazy ${asset}`);
        return names.map((name) => `export const ${name} = undefined;`).join('\n');
      }
      if (id !== '\0lazy-host') return null;
      const shared = new Map();
      for (const part of built.values())
        for (const [key, { id: module, names }] of part.shared) {
          if (!shared.has(key)) shared.set(key, { id: module, names: new Set() });
          for (const name of names) shared.get(key).names.add(name);
        }
      const imports = [];
      const entries = [];
      let n = 0;
      // sorted: the same script from the same sources (the parts' modules are parsed in any order)
      for (const [key, { id: module, names }] of [...shared].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const locals = [...names].sort().map((name) => [name, `s${n++}`]);
        imports.push(
          `import { ${locals.map(([name, local]) => `${name} as ${local}`).join(', ')} } from ${JSON.stringify(module)};`,
        );
        entries.push(`${JSON.stringify(key)}: { ${locals.map(([name, local]) => `${name}: ${local}`).join(', ')} }`);
      }
      return `${imports.join('\n')}\nglobalThis[Symbol.for(${SHARED_KEY})] = { ${entries.join(', ')} };`;
    },
    transform(code, id) {
      const part = parts.find((p) => slash(id) === slash(resolve(p.importer)));
      if (!part) return null;
      // the import() expression, not the `typeof import(…)` type
      const lazy = new RegExp(
        `(?<!typeof )import\\('${part.specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'\\)`,
        'g',
      );
      if (!lazy.test(code)) this.error(`lazy-from-asset-base: no import('${part.specifier}') in ${id}`);
      // each load asks for a URL of its own (…?1, …?2): a module import that failed (offline, a
      // wrong base) keeps failing for its URL for the page's life (HTML's module map; Firefox and
      // WebKit hold to it), so a retry must ask for another one. Callers import again only after a
      // failure (a success is kept), so the part is never loaded twice.
      return {
        code:
          `import { getAssetBase as __assetBase } from ${JSON.stringify(assetsModule)};\nlet __tries = 0;\n` +
          (part.entry ? `import 'lazy-host';\n` : '') +
          code.replace(lazy, `import(new URL('${part.asset}', __assetBase()).href + '?' + ++__tries)`),
        map: null,
      };
    },
    generateBundle() {
      for (const part of parts)
        for (const id of this.getModuleIds())
          if (part.entry && !id.startsWith('\0') && inFolder(part, id))
            this.error(`${id} is a part of the lazy ${part.asset} but was bundled into the classic script`);
    },
  };
};

const external = [/^lit($|\/)/, /^@lit\//, /^@lit-labs\//, /^@mediapipe\//, /^qrcode-generator$/, /^react($|\/)/];
// Older than the supported browsers (README, "Browser support": Chrome/Edge 116, Firefox 128, Safari
// 17.4) on purpose: an outdated browser down to these still parses the build and gets 4016 with what
// it lacks (src/browser-support.ts). Class static blocks (Safari 16.4) are the syntax this lowers.
const BUILD_TARGET = ['chrome100', 'firefox100', 'safari15'];
const es = () => [minifyStyles(), esbuild({ target: BUILD_TARGET, tsconfig: './tsconfig.json', sourceMap: true })];
/** The plugins of a bundle that ships minified (the CDN builds, the classic script and its lazy parts). */
const bundled = () => [...es(), collapseTemplates()];
const defines = readdirSync('src/define').map((f) => `src/define/${f}`);

export default [
  {
    input: ['src/index.ts', 'src/define.ts', 'src/react.ts', 'src/vocabulary.ts', 'src/locales/de.ts', ...defines],
    external,
    output: { dir: 'dist', format: 'es', sourcemap: true, preserveModules: true, preserveModulesRoot: 'src' },
    plugins: [nodeResolve(), ...es()],
  },
  // The detection worker: self-contained, served from the asset base (MediaPipe is loaded at run time).
  {
    input: 'src/detection/face-worker.ts',
    output: { file: 'dist/assets/face-worker.js', format: 'es', sourcemap: true },
    plugins: [nodeResolve(), ...es(), terser({ module: true, format: { comments: false } })],
  },
  // The audio tracker's AudioWorklet module: self-contained, served from the asset base.
  {
    input: 'src/media/voice-activity-worklet.ts',
    output: { file: 'dist/assets/voice-activity-worklet.js', format: 'es', sourcemap: true },
    plugins: [nodeResolve(), ...es(), terser({ module: true, format: { comments: false } })],
  },
  {
    input: 'src/cdn.ts',
    output: { file: 'dist/cdn/proctor-elements.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [
      nodeResolve({ exportConditions: ['production'] }),
      ...bundled(),
      terser({ module: true, format: { comments: false } }),
    ],
  },
  // The classic (non-module) script for AutoProctor integrations: one IIFE, window.AutoProctor.
  {
    input: 'src/cdn-classic.ts',
    output: { file: 'dist/cdn/autoproctor.js', format: 'iife', sourcemap: true, inlineDynamicImports: true },
    plugins: [
      lazyFromAssetBase(LAZY_PARTS),
      nodeResolve({ exportConditions: ['production'] }),
      ...bundled(),
      // more compress passes: the budget (60 KB gzip, issue 13) is tight since the older build target;
      // hoist_vars (one `var` list per function, semantics unchanged) gzips ~200 bytes smaller here
      terser({
        ecma: 2020,
        toplevel: true,
        compress: { passes: 3, keep_fargs: false, hoist_vars: true },
        format: { comments: false },
      }),
    ],
  },
];
