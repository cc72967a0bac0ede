"""A serving process, settled: the heap it has once warm is frozen out of the garbage collector's full passes.

CPython's oldest-generation collection walks every tracked object. A warm Django process holds a few hundred
thousand of them (modules, models, URL patterns, compiled templates, translations), so every tenth request or so
paid a 100-140 ms pause (measured on the dashboards: p95 150-160 ms over medians of 28-40 ms). `gc.freeze()` moves
what is alive at that moment to a permanent generation the collector skips (the pattern CPython documents for
servers). The first requests import views and compile templates lazily, so the process freezes after its first
and again after its twentieth request; garbage alive at those moments is kept (a bounded, one-time cost).
"""

import gc

FREEZE_AFTER = (1, 20)


def settle() -> None:
    """Freeze what the process holds now (a warm process: after its first requests)."""
    gc.collect()
    gc.freeze()


class Settling:
    """WSGI middleware: the application, settled after its FREEZE_AFTER-th requests."""

    def __init__(self, application):
        self.application = application
        self.served = 0

    def __call__(self, environ, start_response):
        try:
            return self.application(environ, start_response)
        finally:
            self.served += 1
            if self.served in FREEZE_AFTER:
                settle()
