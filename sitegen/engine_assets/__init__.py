"""What the browser needs to run the wizard's engine.

The engine zip, Pyodide's core files, the memory snapshot (made in Node by `snapshot.mjs`, stored
as `snapshot-delta.mjs` describes) and the SHA-256 of each. Depends on nothing else in sitegen.
"""
