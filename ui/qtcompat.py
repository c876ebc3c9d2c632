"""Work-arounds for Qt binding bugs we measured, in one place.

PySide6 6.12 drops one reference to ``None`` every time a Python override of a C++ virtual (an item model's
``data``/``headerData``) returns it. On Python 3.11 ``None`` is not immortal: a view painting for a few minutes
(or a 100,000-row list) drove its count to zero and the app aborted with "none_dealloc" (measured in
tests/test_qtcompat.py). `qt_value` gives ``None`` the reference the binding is about to drop; an extra one, should
a later PySide6 fix the bug, is harmless.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from typing import Any

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def qt_value(method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate `data`/`headerData` overrides: a ``None`` result ("no value for this role") stays safe."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        value = method(*args, **kwargs)
        if value is None:
            _incref(None)
        return value

    return wrapper
