// The wizard's Pyodide snapshot, stored as its difference from the memory Pyodide starts with.
//
// A Pyodide memory snapshot is the whole WebAssembly memory, including about 3 MB of the
// interpreter's static data, which every reader already downloads inside pyodide.asm.wasm. Stored as
// the XOR of the two, every byte Python never changed becomes a zero: about 1.4 MB less to download
// once gzipped. The build (sitegen/snapshot.mjs, in Node) and the worker (wizard-worker.js) share
// this module, so both read the starting memory the same way: from the instance itself, before any of
// its code runs.
//
// File layout (little-endian): "HSD1"; u32 start and u32 end, the memory range stored as a
// difference; 32 bytes, the SHA-256 of that range as Python left it; then Pyodide's own snapshot
// (its header, then the memory).

const MAGIC = 0x31445348; // "HSD1"
const HEADER = 44;

export class SnapshotMismatch extends Error {}

const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
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
  const unwatch = () => Object.assign(WebAssembly, { instantiate, instantiateStreaming });
  const watched = (original) => async function (...args) {
    const made = await original.apply(this, args);
    const { memory } = (made instanceof WebAssembly.Instance ? made : made.instance).exports;
    if (memory instanceof WebAssembly.Memory) {
      unwatch();
      await seen(memory);
    }
    return made;
  };
  WebAssembly.instantiate = watched(instantiate);
  WebAssembly.instantiateStreaming = watched(instantiateStreaming);
  return unwatch;
}

/** The build: `snapshot` (Pyodide's) with its memory stored as the difference from `initial`. */
export async function encode(snapshot, initial) {
  let start = 0;
  while (start < initial.length && initial[start] === 0) start += 1;
  let end = initial.length;
  while (end > start && initial[end - 1] === 0) end -= 1;
  start -= start % 4; // whole 32-bit words, for a fast XOR
  end += (4 - (end % 4)) % 4;
  const file = new Uint8Array(HEADER + snapshot.length);
  file.set(snapshot, HEADER);
  const at = HEADER + memoryOffset(snapshot);
  const range = file.subarray(at + start, at + end);
  const digest = await sha256(range);
  xorInto(range, initial.subarray(start, end));
  const header = new DataView(file.buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, start, true);
  header.setUint32(8, end, true);
  file.set(digest, 12);
  return file;
}

/** The worker: `file` read back, or null if it is not a snapshot in this format. `snapshot` is for
    Pyodide's `_loadSnapshot`; `restore(initial)` turns its memory back into what Python left, given
    the new instance's memory, and throws SnapshotMismatch if the result is not exactly that. */
export function decode(file) {
  if (file.length < HEADER || file.byteOffset % 4 !== 0) return null;
  const header = new DataView(file.buffer, file.byteOffset, HEADER);
  if (header.getUint32(0, true) !== MAGIC) return null;
  const [start, end] = [header.getUint32(4, true), header.getUint32(8, true)];
  const snapshot = file.subarray(HEADER);
  const at = memoryOffset(snapshot);
  if (start % 4 || end % 4 || end < start || at + end > snapshot.length) return null;
  const digest = file.slice(12, HEADER);
  return {
    snapshot,
    async restore(initial) {
      if (initial.length < end) throw new SnapshotMismatch("the snapshot does not fit this Pyodide's memory");
      const range = snapshot.subarray(at + start, at + end);
      xorInto(range, initial.subarray(start, end));
      if (!sameBytes(await sha256(range), digest)) {
        throw new SnapshotMismatch("the snapshot was made from another Pyodide binary");
      }
    },
  };
}
