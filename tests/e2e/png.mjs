// PNG files written by the tests and benchmarks of "Your data" (a real encoder's output: zlib
// deflate, CRC-32 per chunk), so the browser's decoders read what a user's folder holds.
import { deflateSync } from 'node:zlib';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A grey (`channels` 1) or RGB (3) 8-bit PNG of `side × side` pixels, row-major interleaved. */
export function png(pixels, side, channels = 1) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, channels === 3 ? 2 : 0, 0, 0, 0], 8);
  const row = side * channels;
  const raw = Buffer.alloc(side * (row + 1));
  for (let y = 0; y < side; y++) raw.set(pixels.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
/** Nearest-neighbour upscale of a 28×28 image to `side`. */
export function scaled(img, side) {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = img[Math.floor((y * 28) / side) * 28 + Math.floor((x * 28) / side)];
  return out;
}

