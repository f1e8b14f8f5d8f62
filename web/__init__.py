"""The browser build: an offline JupyterLite site with a Pyodide kernel, and its tools."""
