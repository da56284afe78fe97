/**
 * A camera made of a canvas (`captureStream`): `draw(g, ms)` paints each frame, then sensor-like
 * noise is added (so the picture is never "frozen"). For checks and trackers given a `stream`.
 */
export function canvasCamera(
  draw: (g: CanvasRenderingContext2D, ms: number) => void,
  { width = 640, height = 480, noise = 4, fps = 10 } = {},
): { stream: MediaStream; stop(): void; freeze(): void; resume(): void } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  const t0 = performance.now();
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const paint = () => {
    draw(g, performance.now() - t0);
    if (!noise) return;
    const image = g.getImageData(0, 0, width, height);
    const d = image.data;
    for (let i = 0; i < d.length; i += 4) {
      const n = (rand() * 2 - 1) * noise;
      d[i] += n;
      d[i + 1] += n;
      d[i + 2] += n;
    }
    g.putImageData(image, 0, 0);
  };
  // one frame per paint, as a camera sends one per exposure: captureStream(fps) samples the canvas
  // on a clock of its own (Firefox), which repeats a painted picture or skips one whenever the two
  // clocks drift, and a repeated picture is what a frozen camera sends
  const stream = canvas.captureStream(0);
  const [track] = stream.getVideoTracks() as CanvasCaptureMediaStreamTrack[];
  // requestFrame(): the track's (the standard), the stream's in Firefox (CanvasCaptureMediaStream)
  const firefoxStream = stream as MediaStream & { requestFrame?: () => void };
  const frame = () => {
    paint();
    if (typeof track.requestFrame === 'function') track.requestFrame();
    else firefoxStream.requestFrame?.();
  };
  frame();
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(frame, 1000 / fps);
  return {
    stream,
    /** The picture stops changing; the track stays live. */
    freeze: () => {
      clearInterval(timer);
      timer = undefined;
    },
    /** New pictures again after freeze(). */
    resume: () => {
      timer ??= setInterval(frame, 1000 / fps);
    },
    stop: () => {
      clearInterval(timer);
      stream.getTracks().forEach((t) => t.stop());
    },
  };
}
