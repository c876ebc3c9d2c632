"""Work-arounds for Qt binding bugs we measured, in one place.

PySide6 6.12.0 drops one reference to ``None`` every time a call returns it — a void method such as
``processEvents`` as much as a Python override of a virtual (an item model's ``data``/``headerData``). On Python
3.11 ``None`` is not immortal: a view painting for a few minutes (or a 100,000-row list) drove its count to zero and
the app aborted with "none_dealloc". pyproject.toml therefore keeps PySide6 below 6.12 (6.11.3 has no such leak;
tests/test_qtcompat.py fails on a binding that has it). `qt_value` stays on our models' overrides as a second line:
an extra reference to ``None`` is harmless.
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
