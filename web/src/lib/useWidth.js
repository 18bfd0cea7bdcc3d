// useWidth.js: the window's size for the pages that lay out differently on a
// phone or scale to the window: `useWidth()` in a component's setup gives
// reactive `width` and `height` (CSS pixels) and `mobile` (narrower than
// MOBILE_WIDTH).  One resize listener serves every component that uses it,
// added when the first mounts and removed when the last unmounts.  It
// measures; what a page does with the size is its own.
import { ref, computed, onMounted, onBeforeUnmount } from 'vue';

export const MOBILE_WIDTH = 768;

const width = ref(window.innerWidth);
const height = ref(window.innerHeight);
const mobile = computed(() => width.value < MOBILE_WIDTH);
let users = 0;

function measure() {
  width.value = window.innerWidth;
  height.value = window.innerHeight;
}

export function useWidth() {
  onMounted(() => {
    if (users++ === 0) window.addEventListener('resize', measure);
    measure(); // the window may have changed while nobody listened
  });
  onBeforeUnmount(() => {
    if (--users === 0) window.removeEventListener('resize', measure);
  });
  return { width, height, mobile };
}
