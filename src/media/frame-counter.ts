/**
 * Whether a `<video>` playing a camera has shown a new frame since the last look. A page that reads
 * the video on a timer reads the same frame twice whenever the camera is slower than the timer (a
 * webcam at 5–7.5 fps in a dim room) or the machine too busy to present frames: such a read is not
 * a frozen picture, and must not count as one.
 *
 * Chromium counts a stream's frames in `getVideoPlaybackQuality().totalVideoFrames`, read when
 * asked; elsewhere (Firefox reports 0 for a stream) a `requestVideoFrameCallback` follows
 * `presentedFrames`, which costs the main thread a callback and a rendering step per camera frame
 * (~10 ms/s at 30 fps in Chromium). Where neither exists the count is unknown and every look counts
 * as new (the behaviour before this class).
 */
export class VideoFrameCounter {
  /** Frames the video has presented (requestVideoFrameCallback), when the browser tells. */
  private presented?: number;
  /** Frames the video has received (getVideoPlaybackQuality), where the browser counts them for a stream. */
  private received?: number;
  private watching?: HTMLVideoElement;
  /** The pending requestVideoFrameCallback's handle (cancelled by `stop()`). */
  private pending?: number;
  private atLastLook?: number;

  /** How many frames `video` has had, or undefined where the browser cannot tell (yet). */
  count(video: HTMLVideoElement): number | undefined {
    const total = video.getVideoPlaybackQuality?.().totalVideoFrames;
    if (total) {
      this.received = total;
      this.stop(); // the counter works here: no per-frame callback
      return total;
    }
    if (this.received !== undefined) return this.received; // a counter that went back to 0: no frame since
    this.watch(video);
    return this.presented;
  }

  /**
   * True when `video` has had a frame since the last call (or the browser cannot count frames),
   * false when it shows the same frame as then, or its first counted frame is yet to come.
   * (`requestVideoFrameCallback` does not run in a hidden page: there, no frame is new.)
   */
  fresh(video: HTMLVideoElement): boolean {
    const frames = this.count(video);
    // watching, before the first callback (one frame time): no frame seen yet, so none new
    if (frames === undefined && this.watching === video) return false;
    const fresh = frames === undefined || frames !== this.atLastLook;
    this.atLastLook = frames;
    return fresh;
  }

  /** A new camera in the same video: the playback counter starts again. */
  newCamera(): void {
    this.received = undefined;
  }

  /** Stops the per-frame callback now (a later look starts it again). */
  stop(): void {
    if (this.pending !== undefined) this.watching?.cancelVideoFrameCallback?.(this.pending);
    this.watching = this.pending = undefined;
  }

  private watch(video: HTMLVideoElement) {
    if (this.watching === video || typeof video.requestVideoFrameCallback !== 'function') return;
    this.stop(); // one callback at a time, on one video
    this.watching = video;
    this.presented = undefined;
    const onFrame: VideoFrameRequestCallback = (_now, meta) => {
      this.presented = meta.presentedFrames;
      this.pending = video.requestVideoFrameCallback(onFrame);
    };
    this.pending = video.requestVideoFrameCallback(onFrame);
  }
}
