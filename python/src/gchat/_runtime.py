"""The engine component on wasmtime: loading it once, and calling its exports.

gchat's engine is the WebAssembly component `gchat.wasm` (the WIT world
`gchat:engine`, built from the Rust core). It imports nothing, reads no
clock and draws no randomness: this module passes the time and the seeds.

Compiling the component takes a while, so the machine code is kept in a
cache directory (``GCHAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/gchat``, else
``~/.cache/gchat``), keyed by the component's digest and wasmtime's version;
a cache that cannot be read or written is skipped, never fatal.

One store holds every object; wasmtime stores are not thread-safe, so each
call into the component takes the runtime's lock. Handlers run outside it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Optional

import wasmtime
from wasmtime import component as wc

from ._fast import fast_func
from .errors import GchatError

#: The WIT package the component exports.
PACKAGE = "gchat:engine"
VERSION = "0.1.0"


def _cache_dir() -> Path:
    explicit = os.environ.get("GCHAT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gchat"


def _component_bytes() -> bytes:
    override = os.environ.get("GCHAT_WASM")
    if override:
        return Path(override).read_bytes()
    return resources.files("gchat").joinpath("gchat.wasm").read_bytes()


def _load(engine: wasmtime.Engine) -> wc.Component:
    """The component, from the machine-code cache when it holds it."""
    wasm = _component_bytes()
    version = importlib.metadata.version("wasmtime")
    key = hashlib.sha256(wasm + version.encode()).hexdigest()[:32]
    cached = _cache_dir() / f"gchat-{key}.cwasm"
    if _trusted(cached):
        try:
            return wc.Component.deserialize_file(engine, str(cached))
        except Exception:  # unreadable, or from another wasmtime: compile it
            pass
    component = wc.Component(engine, wasm)
    try:
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(bytes(component.serialize()))
        os.replace(tmp, cached)
    except OSError:
        pass
    return component


def _trusted(path: Path) -> bool:
    """Whether cached machine code may be run: this user's file, in this user's
    directory, neither writable by others (it is loaded as native code)."""
    try:
        for item in (path, path.parent):
            info = item.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return False
        return True
    except (OSError, AttributeError):  # missing; or no getuid (Windows): compile
        return False


#: The most linear memory the component may use (bodies are refused over 1 MiB
#: before they are copied in; this bounds everything else).
MEMORY_LIMIT = 512 << 20


class Runtime:
    """The component instantiated once, with its functions looked up by name."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.engine = wasmtime.Engine()
        self.store = wasmtime.Store(self.engine)
        self.store.set_limits(memory_size=MEMORY_LIMIT)
        # Resources whose Python objects went while a call was under way are
        # freed at the start of the next call (see `drop`).
        self._dropped: list[wc.ResourceAny] = []
        self._depth = 0
        #: The compiled component.
        self.component = _load(self.engine)
        self.instance = wc.Linker(self.engine).instantiate(self.store, self.component)
        self._funcs: dict[tuple[str, str], Any] = {}

    def func(self, interface: str, name: str) -> Any:
        """The export `name` of `interface` (`app`, `auth`, ...)."""
        key = (interface, name)
        found = self._funcs.get(key)
        if found is None:
            parent = self.instance.get_export_index(
                self.store, f"{PACKAGE}/{interface}@{VERSION}"
            )
            index = self.instance.get_export_index(self.store, name, parent)
            func = self.instance.get_func(self.store, index) if index else None
            if func is None:
                raise GchatError("internal", f"the component has no export {interface}#{name}")
            found = self._funcs[key] = fast_func(func, self.store)
        return found

    def call(self, interface: str, name: str, *args: Any) -> Any:
        """Calls an export, under the lock."""
        with self.lock:
            if self._depth == 0:
                self._drop_pending()
            func = self.func(interface, name)
            self._depth += 1
            try:
                return func(self.store, *args)
            finally:
                self._depth -= 1

    def drop(self, resource: wc.ResourceAny) -> None:
        """Frees a resource's state in the component, now if no call is under way
        in this thread, else at the start of the next call. Called from `__del__`,
        which the garbage collector may run in the middle of a call."""
        self._dropped.append(resource)  # atomic: no lock needed here
        if self.lock.acquire(blocking=False):
            try:
                if self._depth == 0:
                    self._drop_pending()
            finally:
                self.lock.release()

    def _drop_pending(self) -> None:
        while self._dropped:
            resource = self._dropped.pop()
            try:
                resource.drop(self.store)
            except Exception:  # already gone with its owner: nothing to free
                pass


_runtime: Optional[Runtime] = None
_runtime_lock = threading.Lock()


def runtime() -> Runtime:
    """The process's runtime, made on first use."""
    global _runtime
    if _runtime is None:
        with _runtime_lock:
            if _runtime is None:
                _runtime = Runtime()
    return _runtime


def record(**fields: Any) -> wc.Record:
    """A WIT record to pass in: Python names with `_` for WIT's `-`."""
    value = wc.Record()
    for name, item in fields.items():
        setattr(value, name.replace("_", "-"), item)
    return value


def field(value: Any, name: str) -> Any:
    """A field of a WIT record the component returned (`dedup_key` for `dedup-key`)."""
    return getattr(value, name.replace("_", "-"))


def raise_error(err: Any) -> None:
    """Raises a WIT `error` record as a `GchatError`."""
    raise GchatError(field(err, "code"), field(err, "message"), field(err, "path"))


def check(result: Any, ok: Callable[[Any], bool]) -> Any:
    """A `result<T, error>`: the ok value, or the error raised. wasmtime gives a
    `Variant` when both cases are records, else the case's value itself."""
    if isinstance(result, wc.Variant):
        if result.tag == "ok":
            return result.payload
        raise_error(result.payload)
    if ok(result):
        return result
    raise_error(result)
