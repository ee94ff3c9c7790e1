// bench/run.py points "../pyodide/" at the versioned folder the site uses.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const indexURL = new URL("../pyodide/", import.meta.url).href;
const pyodide = await loadPyodide({ indexURL, packageBaseUrl: indexURL });
postMessage(pyodide.runPython("1+1"));
