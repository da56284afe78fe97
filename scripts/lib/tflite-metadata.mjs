// Adds TFLite model metadata (the `TFLITE_METADATA` entry that MediaPipe Tasks reads) to a .tflite
// flatbuffer without rewriting the original: a small new header (root offset, `TFL3`, a new Model
// table, new `buffers` and `metadata` vectors, the metadata buffer) is placed in front of the
// untouched original bytes. Flatbuffer offsets only point forward, so the new Model table can point
// into the original's operator codes, subgraphs and buffers. Plain ES module: runs in Node (the
// build) and in the browser (the tests).
//
// Schemas: tensorflow/lite/schema/schema.fbs (Model, Buffer, Metadata) and
// tensorflow/lite/experimental/support/metadata/metadata_schema.fbs (ModelMetadata, file id M001).
import { Builder, ByteBuffer } from 'flatbuffers';

/** Model table field indices (schema.fbs). */
const MODEL = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
};
const MODEL_FIELDS = 8;
const COLOR_SPACE = { UNKNOWN: 0, RGB: 1, GRAYSCALE: 2 };
const CONTENT_PROPERTIES = { ImageProperties: 2 };
const PROCESS_UNIT_OPTIONS = { NormalizationOptions: 1 };
export const METADATA_NAME = 'TFLITE_METADATA';

const voffset = (field) => 4 + 2 * field;
const align = (n, a) => (n + a - 1) & ~(a - 1);

export class TfliteMetadataError extends Error {
  name = 'TfliteMetadataError';
}

/** Absolute position of a table's field, or 0 when absent. */
function fieldPos(bb, table, field) {
  const o = bb.__offset(table, voffset(field));
  return o ? table + o : 0;
}

/** Reads what we need of a .tflite Model and checks it is one we can extend safely. */
export function readModel(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < 16)
    throw new TfliteMetadataError('not a TFLite model: input is empty or too short');
  const bb = new ByteBuffer(bytes);
  if (!bb.__has_identifier('TFL3'))
    throw new TfliteMetadataError('not a TFLite model: missing the TFL3 file identifier');
  const root = bb.readUint32(0);
  if (root < 8 || root >= bytes.length - 4)
    throw new TfliteMetadataError('not a TFLite model: root offset out of range');
  const fields = [];
  for (let i = 0; i < MODEL_FIELDS; i++) fields.push(fieldPos(bb, root, i));
  const target = (pos) => (pos ? bb.__indirect(pos) : 0);
  const vector = (pos) => {
    if (!pos) return [];
    const v = target(pos);
    const n = bb.readUint32(v);
    return Array.from({ length: n }, (_, k) => v + 4 + 4 * k + bb.readUint32(v + 4 + 4 * k));
  };
  const buffers = vector(fields[MODEL.buffers]);
  if (!buffers.length) throw new TfliteMetadataError('not a TFLite model: no buffers');
  for (const buf of buffers) {
    // Buffer.offset (field 1, uint64) is an absolute file position: moving the bytes would break it.
    const off = fieldPos(bb, buf, 1);
    if (off && bb.readUint64(off) !== 0n)
      throw new TfliteMetadataError('unsupported TFLite model: buffers stored outside the flatbuffer');
  }
  const metadata = vector(fields[MODEL.metadata]).map((table) => {
    const name = fieldPos(bb, table, 0);
    const buffer = fieldPos(bb, table, 1);
    return { table, name: name ? bb.__string(name) : '', buffer: buffer ? bb.readUint32(buffer) : 0 };
  });
  return {
    bb,
    version: fields[MODEL.version] ? bb.readUint32(fields[MODEL.version]) : 0,
    fields,
    /** Absolute positions of the objects the offset-typed fields point at (0 = absent). */
    targets: fields.map((pos, i) => (i === MODEL.version ? 0 : target(pos))),
    buffers,
    metadata,
  };
}

function floatVector(b, values) {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
  return b.endVector();
}

function offsetVector(b, offsets) {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

/**
 * A ModelMetadata flatbuffer (file id M001) describing input tensor 0 as an RGB image normalised
 * with `(x - mean) / std`.
 */
export function buildImageMetadata({
  mean = [127.5],
  std = [127.5],
  name = 'model',
  description = '',
  tensorName = 'image',
} = {}) {
  const b = new Builder(512);
  const meanV = floatVector(b, mean);
  const stdV = floatVector(b, std);
  b.startObject(2); // NormalizationOptions
  b.addFieldOffset(0, meanV, 0);
  b.addFieldOffset(1, stdV, 0);
  const normalization = b.endObject();
  b.startObject(2); // ProcessUnit
  b.addFieldInt8(0, PROCESS_UNIT_OPTIONS.NormalizationOptions, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  b.startObject(2); // ImageProperties
  b.addFieldInt8(0, COLOR_SPACE.RGB, 0);
  const image = b.endObject();
  b.startObject(3); // Content
  b.addFieldInt8(0, CONTENT_PROPERTIES.ImageProperties, 0);
  b.addFieldOffset(1, image, 0);
  const content = b.endObject();
  const tensorNameS = b.createString(tensorName);
  const units = offsetVector(b, [processUnit]);
  b.startObject(7); // TensorMetadata
  b.addFieldOffset(0, tensorNameS, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, units, 0);
  const tensor = b.endObject();
  const inputs = offsetVector(b, [tensor]);
  b.startObject(10); // SubGraphMetadata
  b.addFieldOffset(2, inputs, 0);
  const subgraph = b.endObject();
  const nameS = b.createString(name);
  const descriptionS = b.createString(description);
  const subgraphs = offsetVector(b, [subgraph]);
  const parser = b.createString('1.0.0');
  b.startObject(8); // ModelMetadata
  b.addFieldOffset(0, nameS, 0);
  b.addFieldOffset(1, descriptionS, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(7, parser, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

/** Returns a copy of the .tflite `model` whose Model.metadata holds `TFLITE_METADATA` = `metadata`. */
export function addModelMetadata(model, metadata) {
  const m = readModel(model);
  if (m.metadata.some((e) => e.name === METADATA_NAME))
    throw new TfliteMetadataError(`the model already has ${METADATA_NAME}`);

  // Layout of the new header, every offset pointing forward.
  let pos = 8; // root uoffset + "TFL3"
  const modelVtable = pos;
  pos += 4 + 2 * MODEL_FIELDS;
  const modelTable = (pos = align(pos, 4));
  const modelTableSize = 4 + 4 * MODEL_FIELDS; // soffset + version + 7 offsets
  pos += modelTableSize;
  const buffersVec = pos;
  pos += 4 + 4 * (m.buffers.length + 1);
  const metadataVec = pos;
  pos += 4 + 4 * (m.metadata.length + 1);
  const metaVtable = pos;
  pos += 8; // 4 + 2 fields * 2
  const metaTable = pos;
  pos += 12; // soffset + name + buffer
  const nameBytes = new TextEncoder().encode(METADATA_NAME);
  const nameString = pos;
  pos = align(pos + 4 + nameBytes.length + 1, 4);
  const bufferVtable = pos;
  pos += 8; // 4 + 1 field * 2, padded
  const bufferTable = pos;
  pos += 8; // soffset + data
  const data = align(pos + 4, 16); // the metadata bytes start 16-byte aligned
  const dataLen = data - 4;
  const header = align(data + metadata.length, 16); // keeps the original's buffer alignment

  const out = new Uint8Array(header + model.length);
  const dv = new DataView(out.buffer);
  const u32 = (at, v) => dv.setUint32(at, v, true);
  const u16 = (at, v) => dv.setUint16(at, v, true);
  const uoffset = (at, target) => u32(at, target - at);
  const original = (p) => header + p;

  u32(0, modelTable);
  out.set(new TextEncoder().encode('TFL3'), 4);

  // Model: all eight slots laid out; absent ones stay 0 in the vtable.
  u16(modelVtable, 4 + 2 * MODEL_FIELDS);
  u16(modelVtable + 2, modelTableSize);
  dv.setInt32(modelTable, modelTable - modelVtable, true);
  for (let i = 0; i < MODEL_FIELDS; i++) {
    const slot = modelTable + 4 + 4 * i;
    let present = true;
    if (i === MODEL.version) u32(slot, m.version);
    else if (i === MODEL.buffers) uoffset(slot, buffersVec);
    else if (i === MODEL.metadata) uoffset(slot, metadataVec);
    else if (m.targets[i]) uoffset(slot, original(m.targets[i]));
    else present = false;
    if (present || i === MODEL.version) u16(modelVtable + voffset(i), slot - modelTable);
  }

  u32(buffersVec, m.buffers.length + 1);
  m.buffers.forEach((b, k) => uoffset(buffersVec + 4 + 4 * k, original(b)));
  uoffset(buffersVec + 4 + 4 * m.buffers.length, bufferTable);

  u32(metadataVec, m.metadata.length + 1);
  m.metadata.forEach((e, k) => uoffset(metadataVec + 4 + 4 * k, original(e.table)));
  uoffset(metadataVec + 4 + 4 * m.metadata.length, metaTable);

  u16(metaVtable, 8);
  u16(metaVtable + 2, 12);
  u16(metaVtable + 4, 4); // name
  u16(metaVtable + 6, 8); // buffer
  dv.setInt32(metaTable, metaTable - metaVtable, true);
  uoffset(metaTable + 4, nameString);
  u32(metaTable + 8, m.buffers.length);
  u32(nameString, nameBytes.length);
  out.set(nameBytes, nameString + 4);

  u16(bufferVtable, 6);
  u16(bufferVtable + 2, 8);
  u16(bufferVtable + 4, 4); // data
  dv.setInt32(bufferTable, bufferTable - bufferVtable, true);
  uoffset(bufferTable + 4, dataLen);
  u32(dataLen, metadata.length);
  out.set(metadata, data);

  out.set(model, header);
  return out;
}

/** Reads back what `buildImageMetadata` wrote (for tests and for a sanity check after writing). */
export function readImageMetadata(model) {
  const m = readModel(model);
  const entry = m.metadata.find((e) => e.name === METADATA_NAME);
  if (!entry) return undefined;
  const bb = m.bb;
  const buf = m.buffers[entry.buffer];
  const dataPos = fieldPos(bb, buf, 0);
  const vec = bb.__vector(dataPos);
  const bytes = model.subarray(vec, vec + bb.__vector_len(dataPos));
  const mb = new ByteBuffer(bytes);
  const table = (t, f) => (fieldPos(mb, t, f) ? mb.__indirect(fieldPos(mb, t, f)) : 0);
  const tables = (t, f) => {
    const p = fieldPos(mb, t, f);
    if (!p) return [];
    const v = mb.__vector(p);
    return Array.from({ length: mb.__vector_len(p) }, (_, k) => mb.__indirect(v + 4 * k));
  };
  const floats = (t, f) => {
    const p = fieldPos(mb, t, f);
    const v = mb.__vector(p);
    return Array.from({ length: mb.__vector_len(p) }, (_, k) => mb.readFloat32(v + 4 * k));
  };
  const byte = (t, f) => (fieldPos(mb, t, f) ? mb.readUint8(fieldPos(mb, t, f)) : 0);
  const root = mb.readUint32(0);
  const [subgraph] = tables(root, 3);
  const [tensor] = tables(subgraph, 2);
  const content = table(tensor, 3);
  const units = tables(tensor, 4);
  return {
    identifier: new TextDecoder().decode(bytes.subarray(4, 8)),
    bufferIndex: entry.buffer,
    dataOffset: vec,
    subgraphs: tables(root, 3).length,
    contentType: byte(content, 0),
    colorSpace: byte(table(content, 1), 0),
    processUnits: units.map((u) => ({
      type: byte(u, 0),
      mean: floats(table(u, 1), 0),
      std: floats(table(u, 1), 1),
    })),
  };
}

export const CONSTANTS = { COLOR_SPACE, CONTENT_PROPERTIES, PROCESS_UNIT_OPTIONS };
