// icons.mjs: draws the application's home-screen icons (web app manifest,
// issue 15) as PNG files in public/icons — the red square of favicon.svg
// with 三 (three bars) and 零 as a ring, in white — without any image
// library: the pixels are computed here and written with zlib.
//   node scripts/icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const RED = [0xc0, 0x39, 0x2b], WHITE = [255, 255, 255];

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// `maskable`: the full square (the launcher cuts its own shape), else rounded corners
function icon(size, maskable) {
  const px = Buffer.alloc(size * (size * 4 + 1));
  const r = maskable ? 0 : size * 0.18;
  const s = size / 512; // the drawing is made for 512 px
  const scale = maskable ? 0.8 : 1; // keep the glyphs inside the safe zone
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    px[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      // rounded square
      const dx = Math.max(r - x, x - (size - 1 - r), 0), dy = Math.max(r - y, y - (size - 1 - r), 0);
      const inside = dx * dx + dy * dy <= r * r;
      // glyph coordinates in the 512 drawing
      const gx = (x - c) / (s * scale) + 256, gy = (y - c) / (s * scale) + 256;
      // 三: three bars on the left half
      const bar = (top, h, x0, x1) => gy >= top && gy < top + h && gx >= x0 && gx < x1;
      const san = bar(150, 36, 70, 230) || bar(238, 32, 90, 210) || bar(326, 40, 56, 244);
      // 零 as a ring on the right half
      const rx = gx - 360, ry = gy - 256, d = Math.sqrt((rx * rx) / (90 * 90) + (ry * ry) / (120 * 120));
      const ring = d <= 1 && d >= 0.62;
      const col = !inside ? null : san || ring ? WHITE : RED;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      if (col) {
        px[o] = col[0]; px[o + 1] = col[1]; px[o + 2] = col[2]; px[o + 3] = 255;
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(px, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

mkdirSync(OUT, { recursive: true });
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['maskable-512.png', 512, true]]) {
  writeFileSync(join(OUT, name), icon(size, maskable));
  console.log(join('public/icons', name));
}
