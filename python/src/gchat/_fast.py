"""Calls into the component without reflecting on its types at every call.

wasmtime's Python component API asks the runtime for a function's type, and
for every record's fields and every variant's cases, at each call (through
its C API, tens of calls per request). The types never change, so here they
are asked once: ``FastFunc`` keeps a function's parameter and result types,
and each type node is given a subclass that remembers what it reflected.
The conversions themselves are wasmtime's.

This leans on wasmtime-py's internals (pinned: ``wasmtime>=50,<51``);
``fast_func`` gives the plain ``Func`` should they not be as expected.
"""

from __future__ import annotations

import ctypes
from ctypes import byref, pointer
from typing import Any, Callable

from wasmtime.component import Func, Record, RecordType

try:  # wasmtime-py's internals, as of 50.x
    from wasmtime import _ffi as ffi
    from wasmtime.component._enter import enter_wasm
except ImportError:  # pragma: no cover - another wasmtime: the plain calls
    ffi = None

#: Reflective properties of wasmtime's type classes, remembered once asked.
_PROPERTIES = ("element", "fields", "elements", "cases", "names", "payload", "ok", "err")
#: Reflective methods (no arguments), remembered once called.
_METHODS = ("_cases", "_tagged", "_is_bytes")
_SUBCLASSES: dict[type, type] = {}


class _Remembered:
    """A property computed once per instance (then read from its ``__dict__``)."""

    def __init__(self, name: str, fget: Callable[[Any], Any]) -> None:
        self.name = name
        self.fget = fget

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return self
        value = self.fget(obj)
        obj.__dict__[self.name] = value
        return value


def _remembered_method(name: str, method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    key = f"_gchat{name}"

    def call(self: Any) -> Any:
        try:
            return self.__dict__[key]
        except KeyError:
            value = self.__dict__[key] = method(self)
            return value

    return call


def _record_from_c(self: Any, c: Any) -> Any:
    """A record lifted by position, with the remembered field names (wasmtime's
    own lifting decodes each field's name from C again to check it)."""
    try:
        ret = Record()
        data = c.of.record.data
        for i, (name, ty) in enumerate(self.fields):
            raw = data[i].val
            setattr(ret, name, ty.convert_from_c(raw))
            raw.kind = ffi.WASMTIME_COMPONENT_BOOL
            raw.of.boolean = False
        return ret
    finally:
        ffi.wasmtime_component_valrecord_delete(c.of.record)


def remember(ty: Any) -> Any:
    """Gives a type node, and every node under it, a class that remembers its reflection."""
    if ty is None or getattr(ty, "_gchat_remembers", False):
        return ty
    cls = type(ty)
    sub = _SUBCLASSES.get(cls)
    if sub is None:
        namespace: dict[str, Any] = {"_gchat_remembers": True}
        for name in _PROPERTIES:
            attr = getattr(cls, name, None)
            if isinstance(attr, property) and attr.fget is not None:
                namespace[name] = _Remembered(name, attr.fget)
        for name in _METHODS:
            if callable(getattr(cls, name, None)):
                namespace[name] = _remembered_method(name, getattr(cls, name))
        if cls is RecordType:
            namespace["convert_from_c"] = _record_from_c
        sub = _SUBCLASSES[cls] = type(cls.__name__, (cls,), namespace)
    ty.__class__ = sub
    for name in ("element", "payload", "ok", "err"):
        if name in sub.__dict__:
            remember(getattr(ty, name))
    for name in ("fields", "cases"):
        if name in sub.__dict__:
            for _, child in getattr(ty, name):
                remember(child)
    if "elements" in sub.__dict__:
        for child in ty.elements:
            remember(child)
    return ty


class FastFunc:
    """``Func.__call__`` with the function's types looked up once, and its
    ``post_return`` called once the results are read."""

    def __init__(self, func: Func, store: Any) -> None:
        fty = func.type(store)
        self.func = func
        self.params = [remember(ty) for _, ty in fty.params]
        self.result = remember(fty.result)

    def __call__(self, store: Any, *params: Any) -> Any:
        if len(params) != len(self.params):
            raise TypeError(f"wrong number of parameters: given {len(params)}, expected {len(self.params)}")
        param_capi = (ffi.wasmtime_component_val_t * len(params))()
        n = 0
        try:
            for ty, val in zip(self.params, params):
                ty.convert_to_c(store, val, pointer(param_capi[n]))
                n += 1
            result_space = ffi.wasmtime_component_val_t() if self.result is not None else None
            result_capi = byref(result_space) if result_space is not None else None
            result_len = 1 if result_space is not None else 0

            def run() -> "ctypes._Pointer[ffi.wasmtime_error_t]":
                return ffi.wasmtime_component_func_call(
                    byref(self.func._func), store._context(), param_capi, n, result_capi, result_len
                )

            enter_wasm(run)
            try:
                if result_space is None:
                    return None
                return self.result.convert_from_c(result_space)
            finally:
                # Whatever the conversion did: the component frees its results.
                self.func.post_return(store)
        finally:
            for i in range(n):
                ffi.wasmtime_component_val_delete(byref(param_capi[i]))


class PlainFunc:
    """wasmtime's own ``Func``, with ``post_return`` called as ``FastFunc`` does."""

    def __init__(self, func: Func) -> None:
        self.func = func

    def __call__(self, store: Any, *params: Any) -> Any:
        result = self.func(store, *params)
        self.func.post_return(store)
        return result


def fast_func(func: Func, store: Any) -> Any:
    """A ``FastFunc``, or wasmtime's plain calls when its internals are not as expected."""
    if ffi is None:
        return PlainFunc(func)
    try:
        return FastFunc(func, store)
    except Exception:  # pragma: no cover - another wasmtime: the plain calls
        return PlainFunc(func)
