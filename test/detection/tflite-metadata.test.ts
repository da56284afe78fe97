import { expect } from '@open-wc/testing';
import {
  CONSTANTS,
  METADATA_NAME,
  addModelMetadata,
  buildImageMetadata,
  readImageMetadata,
  readModel,
} from '../../scripts/lib/tflite-metadata.mjs';
import { rejectionOf } from '../helpers/media.js';

const bytesOf = async (path: string) => new Uint8Array(await (await fetch(path)).arrayBuffer());
// the model the build ships (scripts/assets.mjs SHIPPED_FACE_MODEL)
const ORIGINAL = '/node_modules/@mediapipe/face_detection/face_detection_full_range.tflite';
const BUILT = '/dist/assets/models/face_detection.tflite';
const metadata = () => buildImageMetadata({ name: 'BlazeFace full range', mean: [127.5], std: [127.5] });

describe('TFLite metadata writer (scripts/lib/tflite-metadata.mjs)', () => {
  let original: Uint8Array;
  before(async () => {
    original = await bytesOf(ORIGINAL);
  });

  it('writes ModelMetadata M001: RGB image input normalised with mean 127.5 and std 127.5', () => {
    const read = readImageMetadata(addModelMetadata(original, metadata()))!;
    expect(read.identifier).to.equal('M001');
    expect(read.subgraphs).to.equal(1);
    expect(read.contentType).to.equal(CONSTANTS.CONTENT_PROPERTIES.ImageProperties);
    expect(read.colorSpace).to.equal(CONSTANTS.COLOR_SPACE.RGB);
    expect(read.processUnits).to.deep.equal([
      { type: CONSTANTS.PROCESS_UNIT_OPTIONS.NormalizationOptions, mean: [127.5], std: [127.5] },
    ]);
    expect(read.dataOffset % 16).to.equal(0);
  });

  it('keeps the original bytes untouched after a 16-byte-aligned header and appends one buffer', () => {
    const out = addModelMetadata(original, metadata());
    const header = out.length - original.length;
    expect(header % 16).to.equal(0);
    expect(out.subarray(header)).to.deep.equal(original);
    const before = readModel(original);
    const after = readModel(out);
    expect(after.version).to.equal(before.version);
    expect(after.buffers).to.have.length(before.buffers.length + 1);
    for (const [i, pos] of after.buffers.slice(0, -1).entries())
      expect(pos, `buffer ${i}`).to.equal(before.buffers[i] + header);
    // operator codes, subgraphs and metadata_buffer still point at the original objects
    for (const f of [1, 2, 5]) expect(after.targets[f], `field ${f}`).to.equal(before.targets[f] + header);
    expect(after.metadata.map((m) => m.name)).to.deep.equal([METADATA_NAME]);
    expect(after.metadata[0].buffer).to.equal(before.buffers.length);
  });

  it('is deterministic and is what the build ships', async () => {
    const a = addModelMetadata(original, metadata());
    const b = addModelMetadata(original, metadata());
    expect(a).to.deep.equal(b);
    const built = await bytesOf(BUILT);
    expect(readImageMetadata(built)?.processUnits[0].mean).to.deep.equal([127.5]);
    expect(built.subarray(built.length - original.length)).to.deep.equal(original);
  });

  it('refuses input that is not a TFLite model, with a clear message', async () => {
    const png = await bytesOf('/test/fixtures/cat.png');
    for (const [input, text] of [
      [png, 'missing the TFL3 file identifier'],
      [new Uint8Array(4), 'empty or too short'],
      [new TextEncoder().encode('hello world, not a model at all'), 'TFL3'],
    ] as const) {
      const error = await rejectionOf(Promise.resolve().then(() => addModelMetadata(input, metadata())));
      expect(error.name).to.equal('TfliteMetadataError');
      expect(error.message).to.contain('not a TFLite model').and.contain(text);
    }
  });

  it('refuses a model that already carries TFLITE_METADATA', async () => {
    const once = addModelMetadata(original, metadata());
    const error = await rejectionOf(Promise.resolve().then(() => addModelMetadata(once, metadata())));
    expect(error.message).to.contain('already has TFLITE_METADATA');
  });
});
