/** The single-file CDN build: the package root's API plus every tag registered. */
export * from './index.js';
import './define.js';
