"""Python's cycle collector paused around work that makes many long-lived objects and no cycles."""
import gc
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused():
    """The cycle collector off inside, then on again as it was (also when the work raises).

    Building the app (modules, classes, mappers) and importing a journal (the whole file held as compact
    tuples and lists) each make hundreds of thousands of objects that live on and form no reference cycles;
    every collection started meanwhile walks all of them again for nothing. Memory is still freed by
    reference counting; the few cycles made meanwhile wait for the collector's next run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
