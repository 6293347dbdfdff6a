// Camera access, quick client-side quality checks and frame capture for the capture page.
// The checks are cheap heuristics on a small grey copy of the alignment frame, for guidance only
// (requirements/capture §1 "guides to position the document"); the server's quality gate decides.

export async function openCamera(video, facingMode) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode, width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false });
  video.srcObject = stream;
  // play() may stay pending while the page is not visible: wait for the first picture, with a cap.
  video.play().catch(() => {});
  await new Promise((resolve) => {
    if (video.videoWidth) { resolve(); return; }
    video.addEventListener("loadedmetadata", resolve, { once: true });
    setTimeout(resolve, 3000);
  });
  const track = stream.getVideoTracks()[0];
  const caps = track.getCapabilities ? track.getCapabilities() : {};
  return { stream, track, hasTorch: Boolean(caps.torch) };
}

export function closeCamera(camera) {
  if (camera) camera.stream.getTracks().forEach((t) => t.stop());
}

export async function setTorch(camera, on) {
  await camera.track.applyConstraints({ advanced: [{ torch: on }] });
}

// Grey pixels of the document frame region (the overlay's 8%..92% x 16%..84%) at width w.
function greyRegion(video, w) {
  const sx = video.videoWidth * 0.08, sy = video.videoHeight * 0.16;
  const sw = video.videoWidth * 0.84, sh = video.videoHeight * 0.68;
  const h = Math.max(1, Math.round(w * sh / sw));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(video, sx, sy, sw, sh, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const grey = new Float32Array(w * h);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
  return { grey, w, h };
}

const GLARE_LEVEL = 250, GLARE_ABOVE_MEDIAN = 30, MAX_GLARE = 0.05;  // ml/document/quality.py
// A specular highlight (ml/document/exposure.py): blown-out pixels in solid spots, those that survive
// an opening by a square SPOT_OPENING of the view's shorter side, covering MIN_SPOT of the page.
const SPOT_OPENING = 0.015, MIN_SPOT = 0.02;
// Exposure as the server judges it (ml/document/exposure.py), not by the mean grey of a light page:
// too dark when even the lightest 5 % stay dark grey, washed out when even the darkest 1 % (the ink)
// is light.
const DARK_P95 = 100, WASHED_P1 = 100;
// Variance of the Laplacian at 320 px: a sharp page gives thousands; a Gaussian blur of sigma 6 px
// on a 1280 px frame (text no longer readable) gives about 40, sigma 3 about 500.
const MIN_SHARPNESS = 150;

// A square min (erode) or max (dilate) filter of the given side over a 0/1 mask, rows then columns.
function squareFilter(mask, w, h, side, pick) {
  const r = side >> 1, rows = new Uint8Array(mask.length), out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = mask[y * w + x];
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) v = pick(v, mask[y * w + k]);
      rows[y * w + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = rows[y * w + x];
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) v = pick(v, rows[k * w + x]);
      out[y * w + x] = v;
    }
  }
  return out;
}

// Blown-out pixels in solid spots (the clipped mask opened: eroded, then dilated), as the server counts them.
function spotPixels(grey, w, h) {
  const clipped = Uint8Array.from(grey, (v) => (v >= GLARE_LEVEL ? 1 : 0));
  const side = Math.max(3, Math.round(SPOT_OPENING * Math.min(w, h)));
  const opened = squareFilter(squareFilter(clipped, w, h, side, Math.min), w, h, side, Math.max);
  return opened.reduce((n, v) => n + v, 0);
}

// { ok, problem, message }: too dark, too bright, glare, blur, move closer.
export function documentQuality(video) {
  if (!video.videoWidth) return { ok: false, problem: "starting", message: "Starting the camera…" };
  const { grey, w, h } = greyRegion(video, 320);
  let sum = 0, bright = 0;
  for (const v of grey) { sum += v; if (v >= GLARE_LEVEL) bright += 1; }
  const mean = sum / grey.length;
  // As the server's quality check (ml/document/quality.py): a highlight is blown out AND brighter
  // than the document itself (the pixels brighter than the view's mean: the page, not the desk),
  // so a white page is not mistaken for glare.
  const page = grey.filter((v) => v > mean).sort();
  const pageMedian = page.length ? page[page.length >> 1] : mean;
  const glare = pageMedian + GLARE_ABOVE_MEDIAN < GLARE_LEVEL ? bright / grey.length : 0;
  // On a white page (paper within GLARE_ABOVE_MEDIAN of blown out) only a solid spot tells glare from
  // paper; on a page whose paper is itself blown out, not even that (the server judges it by the read).
  const spots = pageMedian < GLARE_LEVEL && bright ? spotPixels(grey, w, h) / Math.max(1, page.length) : 0;
  let lapSum = 0, lapSq = 0, n = 0, minX = w, maxX = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = 4 * grey[i] - grey[i - 1] - grey[i + 1] - grey[i - w] - grey[i + w];
      lapSum += lap; lapSq += lap * lap; n += 1;
      if (Math.abs(lap) > 40) { if (x < minX) minX = x; if (x > maxX) maxX = x; }
    }
  }
  const sharpness = lapSq / n - (lapSum / n) ** 2;
  const sorted = Float32Array.from(grey).sort();
  const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))], p1 = sorted[Math.floor(0.01 * (sorted.length - 1))];
  if (p95 < DARK_P95) return { ok: false, problem: "too_dark", message: "Too dark: find more light" };
  if (p1 > WASHED_P1) return { ok: false, problem: "too_bright", message: "Too bright: move out of direct light" };
  if (glare >= MAX_GLARE) return { ok: false, problem: "glare", message: "Glare: tilt the document away from the light" };
  if (sharpness < MIN_SHARPNESS) return { ok: false, problem: "blur", message: "Blurry: hold still and let the camera focus" };
  // A blurred white page's blank paper is as solid as a highlight: spots count on a sharp view only.
  if (spots >= MIN_SPOT) return { ok: false, problem: "glare", message: "Glare: tilt the document away from the light" };
  if (maxX - minX < 0.6 * w) return { ok: false, problem: "too_far", message: "Move closer: fill the frame" };
  return { ok: true, problem: "", message: "✓ Looks good: hold still and capture" };
}

// A JPEG (base64, no data: prefix) of the current video frame, at most maxWidth wide.
export async function grabJpeg(video, maxWidth, quality = 0.9) {
  for (let waited = 0; !video.videoWidth && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (!video.videoWidth) throw new Error("The camera shows no picture yet. Please try again.");
  const scale = Math.min(1, maxWidth / video.videoWidth);
  const w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext("2d").drawImage(video, 0, 0, w, h);
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// A small in-memory preview (object URL) for the compare row; revoked by the page when done.
export async function previewUrl(video, maxWidth = 320) {
  const scale = Math.min(1, maxWidth / video.videoWidth);
  const canvas = new OffscreenCanvas(Math.round(video.videoWidth * scale), Math.round(video.videoHeight * scale));
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  return URL.createObjectURL(await canvas.convertToBlob({ type: "image/jpeg", quality: 0.8 }));
}
