// photo.js: a photo from the phone's camera made small enough to keep on the
// phone and send over a poor network: drawn on a canvas with its longest
// side at most MAX_SIDE pixels and encoded as JPEG (quality 0.8, lower when
// it is still large).  The image is read with createImageBitmap, or through a
// data: URL where that is missing (the CSP allows data: images, not blob:).
export const MAX_SIDE = 1600;
const MAX_CHARS = 600 * 1024; // base64 characters of one photo

function readDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (e) {
      /* fall back to an <img> */
    }
  }
  const url = await readDataUrl(file);
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('不是可识别的图片'));
    img.src = url;
  });
}

function encode(src, w, h, side, quality) {
  const k = Math.min(1, side / Math.max(w, h));
  const cw = Math.max(1, Math.round(w * k)), ch = Math.max(1, Math.round(h * k));
  const canvas = document.createElement('canvas');
  canvas.width = cw;
  canvas.height = ch;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff'; // a transparent PNG becomes white, not black
  g.fillRect(0, 0, cw, ch);
  g.drawImage(src, 0, 0, cw, ch);
  return { url: canvas.toDataURL('image/jpeg', quality), width: cw, height: ch };
}

// File → {name, data (base64 JPEG), preview (data: URL), width, height}.
export async function shrinkPhoto(file, n = 1) {
  const src = await decode(file);
  const w = src.width || src.naturalWidth, h = src.height || src.naturalHeight;
  let out = encode(src, w, h, MAX_SIDE, 0.8);
  for (const [side, q] of [[MAX_SIDE, 0.6], [1200, 0.6], [900, 0.5]]) {
    if (out.url.length <= MAX_CHARS) break;
    out = encode(src, w, h, side, q);
  }
  if (src.close) src.close();
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return {
    name: `photo-${stamp}-${n}.jpg`,
    data: out.url.slice(out.url.indexOf(',') + 1),
    preview: out.url,
    width: out.width,
    height: out.height,
  };
}
