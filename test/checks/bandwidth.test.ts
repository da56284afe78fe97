import { expect } from '@open-wc/testing';
import { ErrorCode, runBandwidthCheck } from '../../src/index.js';

const small = { downloadBytes: 200_000, uploadBytes: 100_000, transferTimeoutMs: 4000 };

describe('bandwidth check', function () {
  this.timeout(20000);

  it('succeeds on a fast endpoint and reports Mbit/s down and up and latency', async () => {
    const progress: number[] = [];
    // the default transfers (2 MB down, 1 MB up), as an integrator gets them: loopback moves them in
    // milliseconds, and a loaded machine's pauses stay far inside the 5.3 s / 8 s that 3 and 1 Mbit/s
    // allow (CI, Firefox, with 200 kB: 'failed', a pause longer than the 0.5 s that 200 kB allowed)
    const { result } = await runBandwidthCheck({
      url: '/__bandwidth/fast/',
      onProgress: (p) => progress.push(p.fraction),
    });
    expect(result.status, result.message).to.equal('succeeded');
    expect(result.metrics.downloadMbps).to.be.greaterThan(3);
    expect(result.metrics.uploadMbps).to.be.greaterThan(1);
    expect(result.metrics.latencyMs).to.be.a('number');
    expect(result.message).to.match(/Mbit\/s down/);
    expect(progress.at(-1)).to.equal(1);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
  });

  it('does not count a server slow to answer as a slow link: the wait is latency, not transfer', async function () {
    this.timeout(90_000);
    // every answer 6 s late, then at loopback speed; sized so that timed from the request alone it
    // fails (2 MB: 2.7 Mbit/s down; 720 kB: 0.96 Mbit/s up), while a loaded machine's transfer has
    // ~5.3 s of slack once the latency is left out (3 s and half the bytes left WebKit under a CPU
    // hog 2.7 s, too little: CI run 52 read 1.87 Mbit/s)
    const { result } = await runBandwidthCheck({
      url: '/__bandwidth/late-6s/',
      downloadBytes: 2_000_000,
      uploadBytes: 720_000,
      transferTimeoutMs: 20_000,
    });
    expect(result.status, result.message).to.equal('succeeded');
    expect(result.metrics.downloadMbps).to.be.greaterThan(3);
    expect(result.metrics.uploadMbps).to.be.greaterThan(1);
    expect(result.metrics.latencyMs).to.be.at.least(5900);
    expect(result.message).to.match(/\d+ ms latency/);
  });

  it('still fails a slow link behind a server slow to answer: only one latency is left out', async function () {
    this.timeout(60_000);
    // answers 3 s late, then ~0.65 Mbit/s
    const { result } = await runBandwidthCheck({
      url: '/__bandwidth/late-slow/',
      ...small,
      uploadBytes: 200_000, // 2.5 s at that speed: wide of the 1 Mbit/s line whatever the latency's jitter
      transferTimeoutMs: 10_000,
    });
    expect(result, result.message).to.include({ status: 'failed', reason: 'slow' });
    expect(result.metrics.downloadMbps).to.be.above(0).and.below(3);
    expect(result.metrics.uploadMbps).to.be.above(0).and.below(1);
  });

  it('fails a slow link whose download a proxy holds back and then passes on at once', async function () {
    this.timeout(60_000);
    // timed from the answer's arrival this read 1766 Mbit/s in a review's simulation: timed from the request
    const { result } = await runBandwidthCheck({
      url: '/__bandwidth/buffered-slow/',
      ...small,
      transferTimeoutMs: 10_000,
    });
    expect(result, result.message).to.include({ status: 'failed', reason: 'slow' });
    expect(result.metrics.downloadMbps).to.be.above(0).and.below(3);
  });

  it('takes the shortest round trip off, not a slow first one: a slow link stays slow', async function () {
    this.timeout(60_000);
    // two empty requests, the first 3 s late (the upper median would be 3 s, more than the upload takes)
    const { result } = await runBandwidthCheck({
      url: '/__bandwidth/spiky-slow/',
      ...small,
      uploadBytes: 200_000,
      latencySamples: 2,
      transferTimeoutMs: 10_000,
    });
    expect(result, result.message).to.include({ status: 'failed', reason: 'slow' });
    expect(result.metrics.uploadMbps).to.be.above(0).and.below(1);
  });

  it('measures a latency even when asked for none (0 samples): a slow link stays slow; NaN samples is 4107', async function () {
    this.timeout(60_000);
    const { result } = await runBandwidthCheck({ url: '/__bandwidth/slow/', ...small, latencySamples: 0 });
    expect(result).to.include({ status: 'failed', reason: 'slow' });
    expect(result.metrics.latencyMs).to.be.a('number').and.not.NaN;
    // a NaN is the integrator's mistake (a number parsed from nothing): said so, not measured round
    const nan = (await runBandwidthCheck({ url: '/__bandwidth/slow/', ...small, latencySamples: Number.NaN })).result;
    expect(nan).to.include({ status: 'failed', reason: 'error', code: 4107 });
    expect(nan.message).to.equal(
      'runBandwidthCheck options.latencySamples must be a whole number, 0 or more, got NaN.',
    );
  });

  it('fails as slow, with the measured figures and no error code, on a throttled endpoint', async () => {
    const { result } = await runBandwidthCheck({ url: '/__bandwidth/slow/', ...small });
    expect(result.status).to.equal('failed');
    expect(result.reason).to.equal('slow');
    expect(result.code).to.equal(undefined);
    // the figures a candidate is shown: measured (above 0) and under what is needed; no lower bound on
    // how slow, since a loaded machine's timers slow the throttled endpoint further (CI: 0.18 Mbit/s in Firefox)
    expect(result.metrics.downloadMbps).to.be.above(0).and.below(3);
    expect(result.metrics.uploadMbps).to.be.above(0).and.below(1);
    expect(result.message).to.contain('Mbit/s down (3 needed)');
  });

  it('fails as unreachable, with BANDWIDTH_UNREACHABLE and the URL, when nothing answers', async () => {
    const { result } = await runBandwidthCheck({ url: 'http://127.0.0.1:9/speed/', ...small });
    expect(result.status).to.equal('failed');
    expect(result.reason).to.equal('unreachable');
    expect(result.code).to.equal(ErrorCode.BANDWIDTH_UNREACHABLE);
    expect(result.message).to.contain('http://127.0.0.1:9/speed/download');
    expect(result.message).to.contain('Check your internet connection');
  });

  it('fails as unreachable when the endpoint answers an HTTP error', async () => {
    const { result } = await runBandwidthCheck({ url: '/no-such-speed-test/', ...small });
    expect(result.code).to.equal(ErrorCode.BANDWIDTH_UNREACHABLE);
    expect(result.message).to.contain('HTTP 404');
    // a page served without the speed test (a plain static server): not "check your internet connection"
    expect(result.message).to.contain('No speed test is served at');
    expect(result.message).to.not.contain('internet connection');
  });

  it('blames the page, not the connection, when a catch-all page answers 200 in place of the speed test', async () => {
    // a static host's fallback (the same HTML for every path): timed as a download it read 0.7 Mbit/s,
    // "move closer to your router" (found by a new-user trial)
    const { result } = await runBandwidthCheck({ url: '/__bandwidth/spa/', ...small });
    expect(result).to.include({ status: 'failed', reason: 'unreachable', code: ErrorCode.BANDWIDTH_UNREACHABLE });
    expect(result.message).to.contain('No speed test is served at').and.contain('text/html');
    expect(result.message).to.not.contain('internet connection').and.not.contain('router');
  });

  it('uses configurable thresholds', async () => {
    // the ~0.65 Mbit/s endpoint passes thresholds well under it; the transfer is kept small and its time
    // limit wide, since what is tested is the thresholds, not how fast a loaded machine serves 200 kB
    // (CI run 26: 200 kB at 8 kB a 100 ms timer outran the 4 s limit)
    const { result } = await runBandwidthCheck({
      url: '/__bandwidth/slow/',
      downloadBytes: 64_000,
      uploadBytes: 32_000,
      transferTimeoutMs: 15_000,
      // far under what it gives: a loaded machine's timers slowed it to 0.1 Mbit/s (Firefox, 2026-12-01)
      minDownloadMbps: 0.01,
      minUploadMbps: 0.005,
    });
    expect(result.status, result.message).to.equal('succeeded');
    expect(result.metrics.downloadMbps).to.be.above(0.01);
    // and the same endpoint fails thresholds above what it gives
    const strict = await runBandwidthCheck({
      url: '/__bandwidth/slow/',
      downloadBytes: 64_000,
      uploadBytes: 32_000,
      transferTimeoutMs: 15_000,
      minDownloadMbps: 50,
      minUploadMbps: 0.05,
    });
    expect(strict.result.status, strict.result.message).to.equal('failed');
  });
});
