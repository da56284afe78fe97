import { abortReason, delay } from '../media/user-media.js';

/**
 * Resolves once `count` video frames of `stream` have been presented in `video` (decoded, not
 * merely a connection), or rejects when `signal` aborts. Uses requestVideoFrameCallback where the
 * browser has it, else polls currentTime.
 */
export async function framesArrive(
  stream: MediaStream,
  video: HTMLVideoElement,
  count: number,
  signal?: AbortSignal,
): Promise<{ frames: number; width: number; height: number }> {
  video.muted = true;
  video.playsInline = true;
  if (video.srcObject !== stream) video.srcObject = stream;
  await video.play().catch(() => undefined);
  let frames = 0;
  let last = -1;
  const hasFrameCallback = typeof (video as Partial<HTMLVideoElement>).requestVideoFrameCallback === 'function';
  while (frames < count) {
    if (signal?.aborted) throw abortReason(signal);
    if (hasFrameCallback) {
      await new Promise<void>((resolve) => {
        const id = video.requestVideoFrameCallback(() => resolve());
        signal?.addEventListener('abort', () => (video.cancelVideoFrameCallback(id), resolve()), { once: true });
      });
      if (!signal?.aborted) frames++;
    } else {
      await delay(50);
      if (video.currentTime !== last && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        last = video.currentTime;
        frames++;
      }
    }
  }
  return { frames, width: video.videoWidth, height: video.videoHeight };
}
