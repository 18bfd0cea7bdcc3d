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

// `sanling serve` sends NAME.gz in place of NAME to a browser that accepts
// gzip: write those siblings next to the build's text files.
function gzipSiblings() {
  let outDir = 'dist';
  return {
    name: 'sanling-gzip-siblings',
    apply: 'build',
    configResolved(c) { outDir = c.build.outDir; },
    closeBundle() {
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
