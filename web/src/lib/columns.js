// columns.js: how wide a list's column is, from its field's type — a date,
// a number, a status tag are as wide as their longest value or their
// header, whichever is wider; the texts, the names of the records referred
// to and the record's own name take what is left (a minimum, no fixed
// width).  `columnWidth()` gives the props of an el-table-column: { width }
// or { minWidth }.  What the list shows and in which order is the list's.
import { enumOptions } from './format.js';

const CHAR = 14;   // a CJK character at the table's 14 px
const PAD = 26;    // the cell's padding and border
const SORT = 24;   // the sort arrows of a sortable header

// The width of `text` in the table's font, near enough (ASCII half a character).
function textWidth(text) {
  let w = 0;
  for (const ch of String(text || '')) w += ch.charCodeAt(0) < 0x2E80 ? CHAR * 0.6 : CHAR;
  return Math.ceil(w);
}

function headerWidth(f, label) {
  return textWidth(label) + PAD + (f.sort ? SORT : 0);
}

// `opts`: key (the record's number), title (its name), label (the header shown).
export function columnWidth(f, { key = false, title = false, label = '' } = {}) {
  const head = headerWidth(f, label);
  const fit = (w) => ({ width: Math.max(w, head) });
  if (key) return fit(136);
  if (title) return { minWidth: Math.max(180, head) };
  switch (f.type) {
    case 'date': return fit(100);
    case 'month': return fit(84);
    case 'bool': return fit(60);
    case 'int': case 'real': case 'money': return fit(84);
    case 'enum': {
      const longest = Math.max(0, ...enumOptions(f.enum).map((o) => textWidth(o.label)));
      return fit(longest + PAD + 16); // the tag's own padding
    }
    case 'ref': return f.ref === 'subjects' ? { minWidth: Math.max(150, head) } : fit(120);
    case 'refset': return { minWidth: Math.max(150, head) };
    case 'code': return fit(120);
    default: return (f.max || 0) > 60 ? { minWidth: Math.max(160, head) } : fit(110);
  }
}
