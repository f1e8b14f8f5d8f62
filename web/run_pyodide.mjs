// Run a Python snippet under real Pyodide in Node, the way qala.web.pyodide_node asks.
//
//   node run_pyodide.mjs --pyodide DIR [--wheel FILE]... [--mount HOST:GUEST]... [--cwd GUEST]
//                        [--env NAME=VALUE]...  < snippet.py
//
// DIR holds the core of the npm `pyodide` package (pyodide.mjs, pyodide.asm.*, python_stdlib.zip,
// pyodide-lock.json). Wheels are unpacked into site-packages as they are, without dependencies.
// The snippet may use top-level await. Exit status: 0, the snippet's SystemExit code, or 1 for
// an uncaught exception (its traceback on stderr); 3 when Pyodide, a wheel or a mount fails to set up.

import { readFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

function parse(argv) {
  const options = { pyodide: null, wheels: [], mounts: [], cwd: null, env: {} };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--pyodide") options.pyodide = resolve(value);
    else if (flag === "--wheel") options.wheels.push(resolve(value));
    else if (flag === "--mount") {
      const at = value.lastIndexOf(":");
      options.mounts.push([resolve(value.slice(0, at)), value.slice(at + 1)]);
    } else if (flag === "--cwd") options.cwd = value;
    else if (flag === "--env") {
      const at = value.indexOf("=");
      options.env[value.slice(0, at)] = value.slice(at + 1);
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!options.pyodide) throw new Error("--pyodide DIR is required");
  return options;
}

// Raw bytes straight to the file descriptors: no line buffering, nothing added or lost. A pipe
// whose reader is behind (more than 64 KiB waiting) answers EAGAIN: wait a moment and go on from
// where the write stopped (thrown at Pyodide, Python's io would write the whole buffer again).
const pause = new Int32Array(new SharedArrayBuffer(4));
const writer = (fd) => ({
  write(buffer) {
    let done = 0;
    while (done < buffer.length) {
      try {
        done += writeSync(fd, buffer, done);
      } catch (error) {
        if (error.code !== "EAGAIN") throw error;
        Atomics.wait(pause, 0, 0, 5);
      }
    }
    return buffer.length;
  },
});

// The snippet runs as __main__; SystemExit becomes the exit status, other errors a traceback.
const DRIVER = `
import importlib, linecache, sys, traceback
from pyodide.code import eval_code_async

async def _qala_run(source):
    importlib.invalidate_caches()  # wheels were unpacked after the interpreter started
    linecache.cache["<snippet>"] = (len(source), None, source.splitlines(True), "<snippet>")
    try:
        await eval_code_async(source, {"__name__": "__main__"}, filename="<snippet>")
        status = 0
    except SystemExit as stop:
        code = stop.code
        if code is None or isinstance(code, int):
            status = code or 0
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException as error:
        # Start the traceback at the snippet: the frames above it are this driver's.
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != "<snippet>":
            tb = tb.tb_next
        traceback.print_exception(type(error), error, tb or error.__traceback__)
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return status

_qala_run
`;

async function main() {
  let options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`run_pyodide.mjs: ${error.message}\n`);
    return 2;
  }
  const source = readFileSync(0, "utf8");
  let pyodide;
  try {
    const { loadPyodide } = await import(pathToFileURL(`${options.pyodide}/pyodide.mjs`).href);
    pyodide = await loadPyodide({ indexURL: `${options.pyodide}/`, env: options.env });
  } catch (error) {
    process.stderr.write(`run_pyodide.mjs: Pyodide did not start: ${error.message}\n`);
    return 3;
  }
  pyodide.setStdout(writer(1));
  pyodide.setStderr(writer(2));
  try {
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
    for (const wheel of options.wheels) {
      const bytes = readFileSync(wheel); // a Node Buffer, which Pyodide does not take as such
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      pyodide.unpackArchive(view, "wheel", { extractDir: sitePackages });
    }
    for (const [host, guest] of options.mounts) pyodide.mountNodeFS(guest, host);
    if (options.cwd) pyodide.FS.chdir(options.cwd);
  } catch (error) {
    process.stderr.write(`run_pyodide.mjs: setting up failed: ${error.message.split("\n")[0]}\n`);
    return 3;
  }
  const run = pyodide.runPython(DRIVER);
  try {
    return await run(source);
  } finally {
    run.destroy();
  }
}

// Exit at once: writes are synchronous, and a pending handle must not keep Node alive.
process.exit(await main());
