// Types for the plain-JS metadata writer, so the browser tests can import it type-checked.
export const METADATA_NAME: 'TFLITE_METADATA';
export class TfliteMetadataError extends Error {}
export interface ModelInfo {
  version: number;
  fields: number[];
  targets: number[];
  buffers: number[];
  metadata: { table: number; name: string; buffer: number }[];
}
export function readModel(bytes: Uint8Array): ModelInfo;
export function buildImageMetadata(options?: {
  mean?: number[];
  std?: number[];
  name?: string;
  description?: string;
  tensorName?: string;
}): Uint8Array;
export function addModelMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array;
export function readImageMetadata(model: Uint8Array):
  | {
      identifier: string;
      bufferIndex: number;
      dataOffset: number;
      subgraphs: number;
      contentType: number;
      colorSpace: number;
      processUnits: { type: number; mean: number[]; std: number[] }[];
    }
  | undefined;
export const CONSTANTS: {
  COLOR_SPACE: { UNKNOWN: 0; RGB: 1; GRAYSCALE: 2 };
  CONTENT_PROPERTIES: { ImageProperties: 2 };
  PROCESS_UNIT_OPTIONS: { NormalizationOptions: 1 };
};
