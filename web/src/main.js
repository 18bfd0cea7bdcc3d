// main.js: the browser application's entry: Vue, the router, vue-i18n and
// the base styles.  Element Plus components and their styles are imported
// by the components that use them (unplugin-vue-components), so this entry
// stays small; every page is a lazy chunk.
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './lib/i18n.js';
import 'element-plus/theme-chalk/base.css';
import './styles/main.css';

const app = createApp(App);
app.use(i18n);
app.use(router);
app.mount('#app');
