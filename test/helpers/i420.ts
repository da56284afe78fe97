/**
 * An I420 VideoFrame of `rgba`, made as a camera driver makes one: BT.601 (SMPTE 170M) limited range
 * unless `colorSpace` says otherwise, chroma averaged over each 2×2 block (even sizes only). For
 * tests and the evaluation: the picture a webcam would hand the detector.
 */
export function i420Frame(rgba: ImageData, colorSpace: VideoColorSpaceInit = {}, timestamp = 0): VideoFrame {
  const { width: w, height: h, data: d } = rgba;
  const buffer = new Uint8Array(w * h * 1.5);
  const [u0, v0] = [w * h, w * h * 1.25];
  const full = colorSpace.fullRange === true;
  const bt709 = colorSpace.matrix === 'bt709';
  const [kr, kb] = bt709 ? [0.2126, 0.0722] : [0.299, 0.114];
  const luma = (i: number) => kr * d[i] + (1 - kr - kb) * d[i + 1] + kb * d[i + 2];
  const [ys, y0, cs] = full ? [1, 0, 1] : [219 / 255, 16, 224 / 255];
  for (let i = 0; i < w * h; i++) buffer[i] = Math.round(luma(i * 4) * ys + y0);
  for (let y = 0; y < h; y += 2)
    for (let x = 0; x < w; x += 2) {
      let [u, v] = [0, 0];
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const i = ((y + dy) * w + x + dx) * 4;
        const l = luma(i);
        u += (d[i + 2] - l) / (2 * (1 - kb));
        v += (d[i] - l) / (2 * (1 - kr));
      }
      const c = (y / 2) * (w / 2) + x / 2;
      buffer[u0 + c] = Math.round((u / 4) * cs + 128);
      buffer[v0 + c] = Math.round((v / 4) * cs + 128);
    }
  const standard = bt709 ? 'bt709' : 'smpte170m';
  return new VideoFrame(buffer, {
    format: 'I420',
    codedWidth: w,
    codedHeight: h,
    timestamp,
    colorSpace: { matrix: standard, primaries: standard, transfer: standard, fullRange: full },
  });
}
