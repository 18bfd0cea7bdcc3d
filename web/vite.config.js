// vite.config.js: the Sanling browser application, built into web/dist and
// served by `sanling serve --web web/dist`.  Element Plus is imported by
// component (unplugin-vue-components + unplugin-auto-import for the service
// APIs such as ElMessage); ECharts is imported by module in the chart
// component, so it lands in the dashboard's lazy chunk.  Nothing here needs
// eval or inline scripts: the server's CSP forbids both.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

// The pages a grid worker's phone opens offline (issue 15): the service
// worker (public/sw.js) keeps these chunks with their imports and styles.
const OFFLINE_ENTRIES = ['index.html', 'src/layouts/Shell.vue', 'src/views/Home.vue', 'src/views/Login.vue',
  'src/views/GridHome.vue', 'src/views/Forbidden.vue', 'src/views/NotFound.vue'];

// Write the list of what to keep offline, and a version that changes with
// it, into the build's sw.js (a new version replaces the old cache).
function precacheServiceWorker(outDir) {
  const swPath = join(outDir, 'sw.js');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8'));
  } catch (e) {
    return;
  }
  const files = new Set();
  const seen = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key)) return;
    seen.add(key);
    files.add('/' + chunk.file);
    for (const c of chunk.css || []) files.add('/' + c);
    for (const a of chunk.assets || []) files.add('/' + a);
    for (const i of chunk.imports || []) visit(i);
  };
  OFFLINE_ENTRIES.forEach(visit);
  const list = [...files].filter((f) => f !== '/index.html').sort();
  const version = createHash('sha256').update(list.join('\n') + readFileSync(join(outDir, 'index.html'))).digest('hex').slice(0, 12);
  const sw = readFileSync(swPath, 'utf8')
    .replace("const VERSION = 'dev';", `const VERSION = '${version}';`)
    .replace('const PRECACHE = [];', `const PRECACHE = ${JSON.stringify(list)};`);
  writeFileSync(swPath, sw);
}

// `sanling serve` sends NAME.gz in place of NAME to a browser that accepts
// gzip: write those siblings next to the build's text files.
function gzipSiblings() {
  let outDir = 'dist';
  return {
    name: 'sanling-gzip-siblings',
    apply: 'build',
    configResolved(c) { outDir = c.build.outDir; },
    closeBundle() {
      precacheServiceWorker(outDir);
      const walk = (dir) => {
        for (const name of readdirSync(dir)) {
          const p = join(dir, name);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.(js|css|html|svg|json)$/.test(name) && statSync(p).size > 1024) {
            writeFileSync(p + '.gz', gzipSync(readFileSync(p), { level: 9 }));
          }
        }
      };
      walk(outDir);
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
    gzipSiblings(),
  ],
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    modulePreload: { polyfill: false },
    manifest: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:18100' },
  },
});
