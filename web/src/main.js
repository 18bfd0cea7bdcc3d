// main.js: the browser application's entry: Vue, the router, vue-i18n and
// the base styles.  Element Plus components and their styles are imported
// by the components that use them (unplugin-vue-components), so this entry
// stays small; every page is a lazy chunk.
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './lib/i18n.js';
import { hasSessionCookie } from './lib/api.js';
import 'element-plus/theme-chalk/base.css';
import './styles/main.css';
// issue 17: a printed page's title and date
import './lib/print.js';

const app = createApp(App);
app.use(i18n);
app.use(router);
app.mount('#app');

// issue 15: the outbox sends what a phone kept offline once a session is there
import('./lib/outbox.js');
// the service worker keeps the application's shell for a phone without a
// network; only the built application has one (the dev server's modules change)
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  // a page the worker takes over after it loaded: the session's metadata
  // once more, through the worker, so that the page can start offline
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hasSessionCookie()) fetch('/api/v1/meta', { credentials: 'same-origin' }).catch(() => {});
  });
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => { /* the application works without it */ });
  });
}
