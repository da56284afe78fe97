/** Loads one of the committed stills in test/fixtures/. */
export function loadFixtureImage(name: 'one-face' | 'two-faces' | 'cat' | 'coffee'): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`fixture ${name} did not load`));
    img.src = new URL(`/test/fixtures/${name}.png`, location.href).href;
  });
}

/** Where the built assets are served in tests (the build runs before the browser tests). */
export const DIST_ASSETS = new URL('/dist/assets/', location.href).href;

/** Resolves with the error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: number };
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A playing <video> of the fake camera (a fixture .y4m in media groups). */
export async function cameraVideo(): Promise<{ video: HTMLVideoElement; stream: MediaStream }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  while (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await new Promise((r) => setTimeout(r, 20));
  return { video, stream };
}
