// print.js: a printed page says what it is and when it was printed.  The
// print stylesheet (styles/main.css, @media print) leaves the content only;
// before printing, a page without a print title of its own (the lists have
// one) gets one at the top of the content: the page's title and the date,
// taken away again after.  Nothing else is changed for printing.
const ADDED = 'print-head-added';

window.addEventListener('beforeprint', () => {
  const main = document.querySelector('.shell-main');
  if (!main || main.querySelector('.print-head')) return;
  const h = document.createElement('div');
  const title = main.querySelector('.page-title');
  h.className = 'print-head ' + ADDED;
  h.textContent = `${(title && title.textContent.trim()) || document.title} · ${new Date().toLocaleDateString('sv-SE')}`;
  main.prepend(h);
});

window.addEventListener('afterprint', () => {
  for (const h of document.querySelectorAll('.' + ADDED)) h.remove();
});
