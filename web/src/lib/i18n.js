// i18n.js: vue-i18n set up with the application's chrome in Chinese (the
// default) and English, the choice kept in localStorage, and the matching
// Element Plus locale.
import { createI18n } from 'vue-i18n';
import { ref, computed } from 'vue';
import zhCN from '../locales/zh-CN.js';
import en from '../locales/en.js';
import elZh from 'element-plus/es/locale/lang/zh-cn.mjs';
import elEn from 'element-plus/es/locale/lang/en.mjs';

const saved = (() => {
  try { return localStorage.getItem('sanling.lang'); } catch (e) { return null; }
})();

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
});

export const lang = ref(i18n.global.locale.value);
export const elLocale = computed(() => (lang.value === 'en' ? elEn : elZh));

export function setLang(l) {
  i18n.global.locale.value = l;
  lang.value = l;
  document.documentElement.lang = l;
  try { localStorage.setItem('sanling.lang', l); } catch (e) { /* private mode */ }
}

export function toggleLang() {
  setLang(lang.value === 'en' ? 'zh-CN' : 'en');
}

export const t = (...a) => i18n.global.t(...a);
