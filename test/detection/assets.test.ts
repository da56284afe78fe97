import { expect } from '@open-wc/testing';
import type * as Api from '../../src/index.js';
import { loadFixtureImage } from '../helpers/media.js';
import { itExcept } from '../helpers/engine.js';

// Imported from the build by URL: the default asset base is computed relative to the built module.
const dist = () => import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href) as Promise<typeof Api>;
const fetchedAssets = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((n) => /\/assets\/|\.tflite|\.wasm|vision_bundle/.test(n));

describe('assets', function () {
  this.timeout(30000);

  it('fetches nothing of MediaPipe before a detector is created', async () => {
    await import(/* @vite-ignore */ new URL('/dist/define.js', location.href).href);
    await dist();
    await new Promise((r) => setTimeout(r, 300));
    expect(fetchedAssets()).to.deep.equal([]);
  });

  itExcept(
    {
      webkit:
        'WebKitGTK here gives MediaPipe no usable WebGL: createFaceDetector rejects with 4001 (tested in face-detector.test.ts)',
    },
    "resolves the default asset base next to the package's modules, so serving dist/ just works",
    async () => {
      const api = await dist();
      expect(api.getAssetBase()).to.equal(new URL('/dist/assets/', location.href).href);
      const detector = await api.createFaceDetector();
      try {
        expect(detector.assetBase).to.equal(new URL('/dist/assets/', location.href).href);
        expect((await detector.detect(await loadFixtureImage('one-face'))).faces).to.have.length(1);
        expect(fetchedAssets()).to.include(new URL('/dist/assets/face-worker.js', location.href).href);
      } finally {
        detector.close();
      }
    },
  );

  it('lets setAssetBase() move every later detector to another host path', async () => {
    const api = await dist();
    api.setAssetBase('/no/such/place');
    try {
      expect(api.getAssetBase()).to.equal(new URL('/no/such/place/', location.href).href);
      const error = await api.createFaceDetector().then(
        () => undefined,
        (e: Api.ProctorError) => e,
      );
      expect(error?.code).to.equal(api.ErrorCode.ASSET_UNREACHABLE);
      expect(error?.message).to.contain('/no/such/place/');
    } finally {
      api.setAssetBase(undefined);
    }
    expect(api.getAssetBase()).to.equal(new URL('/dist/assets/', location.href).href);
  });
});
