import { abortReason, delay } from '../media/user-media.js';

/** Frames a connection has decoded so far and their size (an RTCPeerConnection's inbound-rtp stats). */
export type DecodedFrames = () => Promise<{ framesDecoded: number; width?: number; height?: number }>;

/**
 * Resolves once `count` video frames of `stream` have been presented in `video`, or, with
 * `decoded`, once the connection has decoded `count` frames more than when this was called
 * (decoded, not merely a connection). The second way counts in a hidden page too, where the
 * browser presents no frames (requestVideoFrameCallback waits for the page to be shown again):
 * a candidate who looks at another tab while the phone connects is not failed for it. Rejects
 * when `signal` aborts. Uses requestVideoFrameCallback where the browser has it, else polls
 * currentTime.
 */
export async function framesArrive(
  stream: MediaStream,
  video: HTMLVideoElement,
  count: number,
  signal?: AbortSignal,
  decoded?: DecodedFrames,
): Promise<{ frames: number; width: number; height: number }> {
  video.muted = true;
  video.playsInline = true;
  if (video.srcObject !== stream) video.srcObject = stream;
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const ways = [presented(video, count, both)];
  if (decoded) ways.push(decodedBy(decoded, video, count, both));
  try {
    return await Promise.any(ways).catch((error: AggregateError) => {
      throw error.errors[0];
    });
  } finally {
    stop.abort();
  }
}

async function presented(video: HTMLVideoElement, count: number, signal: AbortSignal) {
  await video.play().catch(() => undefined);
  let frames = 0;
  let last = -1;
  const hasFrameCallback = typeof (video as Partial<HTMLVideoElement>).requestVideoFrameCallback === 'function';
  while (frames < count) {
    if (signal.aborted) throw abortReason(signal);
    if (hasFrameCallback) {
      await new Promise<void>((resolve) => {
        const id = video.requestVideoFrameCallback(() => resolve());
        signal.addEventListener('abort', () => (video.cancelVideoFrameCallback(id), resolve()), { once: true });
      });
      if (!signal.aborted) frames++;
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

async function decodedBy(decoded: DecodedFrames, video: HTMLVideoElement, count: number, signal: AbortSignal) {
  const read = () => decoded().catch(() => ({ framesDecoded: 0, width: undefined, height: undefined }));
  const start = (await read()).framesDecoded;
  for (;;) {
    if (signal.aborted) throw abortReason(signal);
    const now = await read();
    if (now.framesDecoded - start >= count)
      return {
        frames: now.framesDecoded - start,
        width: now.width ?? video.videoWidth,
        height: now.height ?? video.videoHeight,
      };
    await delay(250, signal);
  }
}
