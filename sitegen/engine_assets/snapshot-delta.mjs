// The wizard's Pyodide snapshot, stored compactly and read back as it downloads.
//
// A Pyodide memory snapshot is the whole WebAssembly memory (31 MB), including about 3 MB of the
// interpreter's static data, which every reader already downloads inside pyodide.asm.wasm, and about
// 19 MB of zeros. So the file stores that static data as its XOR with Pyodide's starting memory (every
// byte Python never changed becomes a zero: 1.4 MB less to download once gzipped), and only the 4 kB
// pages that are not all zeros (12 MB to decompress instead of 31). The worker hands Pyodide a buffer
// of the right size as soon as the header is read, and fills it while the WebAssembly instantiates.
// The build (sitegen/engine_assets/snapshot.mjs, in Node) and the worker (wizard-worker.js, which imports it from
// the versioned engine folder the build publishes it to) share this module, so both read the
// starting memory the same way: from the new instance, before any of its code runs.
//
// File layout (little-endian): "HSD2"; u32 the length of Pyodide's snapshot; u32 start and u32 end,
// the memory range stored as an XOR; 32 bytes, the SHA-256 of that range as Python left it; a bitmap
// of the snapshot's 4 kB pages, one bit per page (set: stored), padded to 4 bytes; then the stored
// pages in order. Pyodide's snapshot is its own header, then the memory.

const MAGIC = 0x32445348; // "HSD2"
const HEADER = 48;
const PAGE = 4096;

export class SnapshotMismatch extends Error {}

/** SHA-256 of `bytes`. Browsers offer crypto.subtle only to secure origins (HTTPS or localhost); a
    City intranet served over plain HTTP gets the same digest from the code below (about 0.1 s for
    the 4 MB this module checks). */
export async function sha256(bytes) {
  if (globalThis.crypto?.subtle) return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return sha256InScript(bytes);
}

const ROUND = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const rotate = (word, bits) => (word >>> bits) | (word << (32 - bits));

/** SHA-256 (FIPS 180-4) in plain JavaScript; exported for its test against Node's crypto. */
export function sha256InScript(bytes) {
  const blocks = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  blocks.set(bytes);
  blocks[bytes.length] = 0x80;
  const view = new DataView(blocks.buffer);
  view.setUint32(blocks.length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(blocks.length - 4, (bytes.length * 8) >>> 0);
  const hash = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let offset = 0; offset < blocks.length; offset += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i += 1) {
      const x = w[i - 15];
      const y = w[i - 2];
      w[i] = w[i - 16] + (rotate(x, 7) ^ rotate(x, 18) ^ (x >>> 3)) + w[i - 7] + (rotate(y, 17) ^ rotate(y, 19) ^ (y >>> 10));
    }
    let [a, b, c, d, e, f, g, h] = hash;
    for (let i = 0; i < 64; i += 1) {
      const t1 = (h + (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) + ((e & f) ^ (~e & g)) + ROUND[i] + w[i]) | 0;
      const t2 = ((rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    hash[0] += a;
    hash[1] += b;
    hash[2] += c;
    hash[3] += d;
    hash[4] += e;
    hash[5] += f;
    hash[6] += g;
    hash[7] += h;
  }
  const digest = new DataView(new ArrayBuffer(32));
  hash.forEach((word, i) => digest.setUint32(i * 4, word));
  return new Uint8Array(digest.buffer);
}
const sameBytes = (a, b) => a.length === b.length && a.every((byte, index) => byte === b[index]);
const words = (bytes) => new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);

function xorInto(target, source) {
  const into = words(target);
  const from = words(source);
  for (let index = 0; index < into.length; index += 1) into[index] ^= from[index];
}

/* Where Pyodide's snapshot keeps the memory: the offset is the second word of its header. */
const memoryOffset = (snapshot) => new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(4, true);

/** Calls `seen(memory)` with the memory of the next WebAssembly instance made that has one (the
    interpreter's: Pyodide also makes a small helper module without memory), before any of its code
    runs, so it still holds exactly the data segments of the binary; then removes itself. A promise
    `seen` returns is awaited, and an error it throws fails the instantiation. */
export function watchInstantiation(seen) {
  const { instantiate, instantiateStreaming } = WebAssembly;
  let watching = true; // once only, even if one of these calls the other
  const unwatch = () => {
    watching = false;
    Object.assign(WebAssembly, { instantiate, instantiateStreaming });
  };
  const watched = (original) => async function (...args) {
    const made = await original.apply(this, args);
    const { memory } = (made instanceof WebAssembly.Instance ? made : made.instance).exports;
    if (watching && memory instanceof WebAssembly.Memory) {
      unwatch();
      await seen(memory);
    }
    return made;
  };
  WebAssembly.instantiate = watched(instantiate);
  WebAssembly.instantiateStreaming = watched(instantiateStreaming);
  return unwatch;
}

const pageCount = (length) => Math.ceil(length / PAGE);
const bitmapBytes = (length) => Math.ceil(pageCount(length) / 32) * 4;
const isStored = (bitmap, page) => (bitmap[page >> 3] & (1 << (page & 7))) !== 0;

/* Consecutive runs of pages from `page` to `end` alike in being stored or not:
   [first page, page after the last, stored]. */
function* runs(bitmap, page, end) {
  while (page < end) {
    const first = page;
    const stored = isStored(bitmap, page);
    while (page < end && isStored(bitmap, page) === stored) page += 1;
    yield [first, page, stored];
  }
}

/* Turns the static data (snapshot bytes `from` to `to`) back into what Python left. A page the file
   left out had an XOR of zeros: it is the starting memory, copied at native speed. Only the stored
   pages (under a tenth of them) are XORed. */
function undoXor(snapshot, initial, bitmap, at, from, to) {
  for (const [first, after, stored] of runs(bitmap, Math.floor(from / PAGE), pageCount(to))) {
    const [begin, end] = [Math.max(first * PAGE, from), Math.min(after * PAGE, to)];
    if (stored) xorInto(snapshot.subarray(begin, end), initial.subarray(begin - at, end - at));
    else snapshot.set(initial.subarray(begin - at, end - at), begin);
  }
}

/** The build: Pyodide's `snapshot`, its static data stored as the XOR with `initial` (the memory
    Pyodide starts with), without its pages of zeros. */
export async function encode(snapshot, initial) {
  let start = 0;
  while (start < initial.length && initial[start] === 0) start += 1;
  let end = initial.length;
  while (end > start && initial[end - 1] === 0) end -= 1;
  start -= start % 4; // whole 32-bit words, for a fast XOR
  end += (4 - (end % 4)) % 4;
  const body = snapshot.slice();
  if (body.length % 4) throw new Error("a Pyodide snapshot is a whole number of 32-bit words");
  const at = memoryOffset(body);
  const range = body.subarray(at + start, at + end);
  const digest = await sha256(range);
  xorInto(range, initial.subarray(start, end));
  const pages = pageCount(body.length);
  const bitmap = new Uint8Array(bitmapBytes(body.length));
  const stored = [];
  for (let page = 0; page < pages; page += 1) {
    const bytes = body.subarray(page * PAGE, (page + 1) * PAGE);
    if (words(bytes).some((word) => word !== 0)) {
      bitmap[page >> 3] |= 1 << (page & 7);
      stored.push(bytes);
    }
  }
  const file = new Uint8Array(HEADER + bitmap.length + stored.reduce((sum, bytes) => sum + bytes.length, 0));
  const header = new DataView(file.buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, body.length, true);
  header.setUint32(8, start, true);
  header.setUint32(12, end, true);
  file.set(digest, 16);
  file.set(bitmap, HEADER);
  let offset = HEADER + bitmap.length;
  for (const bytes of stored) {
    file.set(bytes, offset);
    offset += bytes.length;
  }
  return file;
}

/* Reads exact byte counts from a stream of chunks. */
function byteReader(stream) {
  const reader = stream.getReader();
  let chunk = new Uint8Array(0);
  let position = 0;
  const read = async (target) => {
    let filled = 0;
    while (filled < target.length) {
      if (position === chunk.length) {
        const { value, done } = await reader.read();
        if (done) throw new SnapshotMismatch("the snapshot file is cut short");
        [chunk, position] = [value, 0];
        continue;
      }
      const count = Math.min(chunk.length - position, target.length - filled);
      target.set(chunk.subarray(position, position + count), filled);
      position += count;
      filled += count;
    }
  };
  /* Whether the stream holds nothing more. */
  read.atEnd = async () => {
    while (position === chunk.length) {
      const { value, done } = await reader.read();
      if (done) return true;
      [chunk, position] = [value, 0];
    }
    return false;
  };
  return read;
}

/** The worker: reads the stored snapshot from `stream` (its plain bytes). Resolves, once the header
    and the page bitmap are read, to null if it is not in this format, or to `snapshot`, Pyodide's
    snapshot being filled in as the stream goes on (for `_loadSnapshot`: Pyodide needs only its
    size until it restores it), and `restore(initial)`, which waits for the last page, turns the
    static data back into what Python left, given the new instance's memory, and throws
    SnapshotMismatch unless that is exact. */
export async function decode(stream) {
  const read = byteReader(stream);
  const header = new Uint8Array(HEADER);
  await read(header);
  const view = new DataView(header.buffer);
  if (view.getUint32(0, true) !== MAGIC) return null;
  const [length, start, end] = [view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)];
  if (length % 4 || length > 1 << 30 || start % 4 || end % 4 || end < start || end > length) {
    throw new SnapshotMismatch("the snapshot's header does not describe a Pyodide snapshot");
  }
  const digest = header.slice(16, HEADER);
  const bitmap = new Uint8Array(bitmapBytes(length));
  await read(bitmap);
  const snapshot = new Uint8Array(length);
  const filled = (async () => {
    for (const [first, after, stored] of runs(bitmap, 0, pageCount(length))) {
      if (stored) await read(snapshot.subarray(first * PAGE, Math.min(after * PAGE, length)));
    }
    if (!(await read.atEnd())) throw new SnapshotMismatch("the snapshot file is longer than its pages");
  })();
  filled.catch(() => {}); // reported by restore()
  return {
    snapshot,
    async restore(initial) {
      await filled;
      const at = memoryOffset(snapshot);
      if (at % 4 || at + end > length || initial.length < end) {
        throw new SnapshotMismatch("the snapshot does not fit this Pyodide's memory");
      }
      undoXor(snapshot, initial, bitmap, at, at + start, at + end);
      if (!sameBytes(await sha256(snapshot.subarray(at + start, at + end)), digest)) {
        throw new SnapshotMismatch("the snapshot was made from another Pyodide binary");
      }
    },
  };
}
