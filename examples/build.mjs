// npm run build:examples: bundles the React and Vue examples with esbuild (after `npm run build`,
// which they import as `proctor-elements/…`) into examples/<name>/dist/app.js.
import { build } from 'esbuild';

const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};
const t0 = performance.now();
await Promise.all([
  build({
    ...common,
    entryPoints: ['examples/react/src/App.jsx'],
    outfile: 'examples/react/dist/app.js',
    jsx: 'automatic',
  }),
  build({
    ...common,
    entryPoints: ['examples/vue/src/app.js'],
    outfile: 'examples/vue/dist/app.js',
    // the full build: it compiles the in-DOM template at runtime
    alias: { vue: 'vue/dist/vue.esm-bundler.js' },
    define: {
      ...common.define,
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  }),
]);
console.log(`examples: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
