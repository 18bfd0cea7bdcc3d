// docs_util.mjs: reading the month's documents (DOCX, PDF, XLSX) with the
// real tools, as an office's computer would: LibreOffice headless opens the
// DOCX and XLSX files (converted to text and CSV), poppler's pdftotext reads
// the PDF's text and pdftoppm renders its first page.  A missing tool fails
// the test (CI installs them).  Not a test itself.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './util.mjs';

// Text with every white space removed: a sentence is found however a tool broke its lines.
export const squeeze = (s) => s.replace(/\s+/g, '');

function withDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'sanling-docs-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Open files with LibreOffice headless and convert them (one run, a private
// profile): { name: Buffer } → { name: text of the converted file }.
// `to` is a LibreOffice filter: 'txt:Text' for documents, 'csv' for sheets.
export function libreOffice(files, to) {
  return withDir((dir) => {
    const names = Object.keys(files);
    for (const n of names) writeFileSync(join(dir, n), files[n]);
    const out = join(dir, 'out');
    const r = run('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless',
      '--convert-to', to, '--outdir', out, ...names.map((n) => join(dir, n))]);
    assert.equal(r.status, 0, `soffice converts: ${r.stderr}`);
    const made = readdirSync(out);
    const ext = to.split(':')[0];
    const texts = {};
    for (const n of names) {
      const base = n.replace(/\.[^.]+$/, '');
      assert.ok(made.includes(`${base}.${ext}`), `LibreOffice opened ${n} and wrote ${base}.${ext}: ${r.stdout}`);
      texts[n] = readFileSync(join(out, `${base}.${ext}`), 'utf8');
    }
    return texts;
  });
}

// The PDF's text (pdftotext) and its properties (pdfinfo).
export function pdfRead(buf) {
  assert.equal(buf.subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF file');
  return withDir((dir) => {
    const f = join(dir, 'doc.pdf');
    writeFileSync(f, buf);
    const t = run('pdftotext', ['-layout', '-enc', 'UTF-8', f, '-']);
    assert.equal(t.status, 0, 'pdftotext reads it: ' + t.stderr);
    const i = run('pdfinfo', [f]);
    assert.equal(i.status, 0, 'pdfinfo reads it: ' + i.stderr);
    const fonts = run('pdffonts', [f]);
    assert.equal(fonts.status, 0, 'pdffonts reads it: ' + fonts.stderr);
    const info = Object.fromEntries(i.stdout.split('\n').filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
    return { text: t.stdout, info, fonts: fonts.stdout };
  });
}

// Render page 1 in grey at a low resolution (pdftoppm): the share of pixels that are not white.
export function pdfInk(buf) {
  return withDir((dir) => {
    const f = join(dir, 'doc.pdf');
    writeFileSync(f, buf);
    const r = run('pdftoppm', ['-f', '1', '-l', '1', '-r', '30', '-gray', f, join(dir, 'page')]);
    assert.equal(r.status, 0, 'pdftoppm renders page 1: ' + r.stderr);
    const pgm = readFileSync(join(dir, readdirSync(dir).find((n) => n.startsWith('page'))));
    // binary PGM: "P5\n<w> <h>\n<max>\n" then one byte a pixel
    const head = pgm.subarray(0, 64).toString('latin1').match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
    assert.ok(head, 'a PGM image');
    const [, w, h] = head.map(Number);
    const px = pgm.subarray(head[0].length);
    assert.equal(px.length, w * h, 'a whole page rendered');
    let ink = 0;
    for (const v of px) if (v < 200) ink++;
    return { width: w, height: h, ink: ink / (w * h) };
  });
}

// The file name of a Content-Disposition header (RFC 5987's filename*).
export function dispositionName(h) {
  const m = (h || '').match(/filename\*=UTF-8''([^;]+)/);
  assert.ok(m, `a UTF-8 file name in ${h}`);
  return decodeURIComponent(m[1]);
}

export const TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
