"""Run by IPython when a Qala site's kernel starts (PYTHONSTARTUP): %%check and the helpers, ready.

It runs in the learner's namespace, so it leaves nothing there but start, hint, progress and
export, and it never stops the kernel from starting. The moment it starts is noted before Qala is
imported: until then the time is the bare kernel's (Pyodide, its packages and IPython).

Qala is imported with the working folder taken off `sys.path` for that moment: the kernel starts
in `/drive`, JupyterLite's files, where every look-up is a request to the page (one for each
module imported: about sixty), and Qala's modules are never there.
"""

try:
    _qala_started_ms: float | None = None
    try:
        from js import performance as _qala_clock

        _qala_started_ms = float(_qala_clock.timeOrigin) + float(_qala_clock.now())
        del _qala_clock
    except ImportError:  # not in a browser
        pass
    import sys as _qala_sys

    _qala_path = list(_qala_sys.path)
    _qala_sys.path[:] = [p for p in _qala_path if p not in ("", ".") and not p.startswith("/drive")]
    try:
        from qala.web.notebook import kernel_started as _qala_kernel_started
    finally:
        _qala_sys.path[:] = _qala_path
    _qala_kernel_started(_qala_started_ms)
    del _qala_kernel_started, _qala_started_ms, _qala_sys, _qala_path
except Exception as _qala_error:  # noqa: BLE001 - the kernel must start whatever happens here
    import sys as _qala_sys

    print(f"qala: the kernel's startup failed: {_qala_error!r}", file=_qala_sys.__stderr__)
    del _qala_sys, _qala_error
