"""The code-object cache: in-process dictionary, then one file per entry on disk.

Only the standard library is imported here: a cache hit in a fresh process must not
pay for xDSL, numpy or torch.

Where: ``$PYHIP_CACHE_DIR`` (default ``~/.pyhip``), entries at
``<dir>/<key[:2]>/<key>.pyhipco``. ``PYHIP_CACHE=0`` keeps the in-process layer only.

One file per entry, so an entry is written atomically (temporary file in the same
directory, fsync, ``os.replace``) and is either all there or absent::

    b"PYHIPCO1" | u32 header length | JSON header | code object bytes

The header records the key, the metadata, the code object's length and sha256, and
the sha256 of the metadata's canonical JSON. Anything that does not check out (short
file, bad magic, bad JSON, wrong key, checksum mismatch) is reported with a
:class:`CacheWarning`, removed and rebuilt: a damaged entry is never loaded.

Concurrent builds: :meth:`CodeObjectCache.get_or_build` takes an exclusive
``fcntl.flock`` on ``<key>.lock`` and looks at the disk again before building, so
processes that miss together build once; threads of one process wait on a per-key
lock first.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAGIC = b"PYHIPCO1"
SUFFIX = ".pyhipco"


class CacheError(RuntimeError):
    """The cache directory cannot be used (the path is in the message)."""


class CacheWarning(UserWarning):
    """A damaged cache entry was found (and will be rebuilt)."""


@dataclass(frozen=True)
class Entry:
    code_object: bytes
    metadata: dict[str, Any] = field(default_factory=dict)


def cache_dir() -> Path:
    env = os.environ.get("PYHIP_CACHE_DIR")
    return Path(env) if env else Path.home() / ".pyhip"


def _canonical(value: object, where: str) -> object:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v, where) for v in value]
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cache key ingredient '{where}' has type {type(value).__name__}, which "
                    "has no canonical encoding")


def _dumps(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True).encode()


def cache_key(ingredients: Mapping[str, object]) -> str:
    """sha256 of the ingredients' canonical JSON (key order does not matter)."""
    return hashlib.sha256(_dumps(_canonical(ingredients, "ingredients"))).hexdigest()


def encode_entry(key: str, entry: Entry) -> bytes:
    meta = _dumps(entry.metadata)
    header = _dumps({"key": key, "metadata": entry.metadata, "size": len(entry.code_object),
                     "sha256": hashlib.sha256(entry.code_object).hexdigest(),
                     "metadata_sha256": hashlib.sha256(meta).hexdigest()})
    return MAGIC + struct.pack("<I", len(header)) + header + entry.code_object


def decode_entry(key: str, data: bytes) -> Entry:
    """The entry in ``data``, or ValueError saying what is wrong with it."""
    if len(data) < len(MAGIC) + 4 or not data.startswith(MAGIC):
        raise ValueError("not a pyhip cache entry (bad magic or too short)")
    (hlen,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    if start + hlen > len(data):
        raise ValueError("truncated header")
    try:
        header = json.loads(data[start:start + hlen])
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"header is not JSON ({e})") from None
    if not isinstance(header, dict) or header.get("key") != key:
        raise ValueError("the entry records another key")
    code = data[start + hlen:]
    if len(code) != header.get("size"):
        raise ValueError(f"code object is {len(code)} bytes, the header says {header.get('size')}")
    if hashlib.sha256(code).hexdigest() != header.get("sha256"):
        raise ValueError("code object checksum mismatch")
    meta = header.get("metadata")
    if not isinstance(meta, dict) or hashlib.sha256(_dumps(meta)).hexdigest() != header.get(
            "metadata_sha256"):
        raise ValueError("metadata checksum mismatch")
    return Entry(code, meta)


@dataclass
class CacheStats:
    memory_hits: int = 0
    disk_hits: int = 0
    builds: int = 0
    corrupt: int = 0


class CodeObjectCache:
    """See the module docstring."""

    def __init__(self, directory: str | os.PathLike[str] | None = None):
        self.directory = Path(directory) if directory is not None else cache_dir()
        self.disk = os.environ.get("PYHIP_CACHE", "1") not in ("0", "off", "false")
        self.stats = CacheStats()
        self._memory: dict[str, Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{SUFFIX}"

    def _subdir(self, key: str) -> Path:
        d = self.directory / key[:2]
        try:
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise CacheError(f"cannot create the cache directory {d}: {e.strerror or e} "
                             "(set PYHIP_CACHE_DIR to a writable directory, or PYHIP_CACHE=0)"
                             ) from None
        return d

    def _read_disk(self, key: str) -> Entry | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            warnings.warn(f"cannot read cache entry {path}: {e.strerror or e}", CacheWarning,
                          stacklevel=3)
            return None
        try:
            return decode_entry(key, data)
        except ValueError as e:
            self.stats.corrupt += 1
            warnings.warn(f"damaged cache entry {path} ({e}): rebuilding it", CacheWarning,
                          stacklevel=3)
            try:
                path.unlink()
            except OSError:
                pass  # another process removed or replaced it first
            return None

    def get(self, key: str) -> Entry | None:
        hit = self._memory.get(key)
        if hit is not None:
            self.stats.memory_hits += 1
            return hit
        if not self.disk:
            return None
        hit = self._read_disk(key)
        if hit is not None:
            self.stats.disk_hits += 1
            self._memory[key] = hit
        return hit

    def put(self, key: str, entry: Entry) -> None:
        self._memory[key] = entry
        if not self.disk:
            return
        d = self._subdir(key)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}-", suffix=".tmp", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(encode_entry(key, entry))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path(key))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _key_lock(self, key: str) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return lock

    def get_or_build(self, key: str, build: Callable[[], Entry]) -> Entry:
        hit = self._memory.get(key)
        if hit is not None:
            self.stats.memory_hits += 1
            return hit
        with self._key_lock(key):
            hit = self.get(key)
            if hit is not None:
                return hit
            if not self.disk:
                return self._build(key, build)
            import fcntl

            lock_path = self._subdir(key) / f"{key}.lock"
            with open(lock_path, "a") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    hit = self.get(key)  # built by another process while we waited
                    if hit is not None:
                        return hit
                    return self._build(key, build)
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _build(self, key: str, build: Callable[[], Entry]) -> Entry:
        entry = build()
        self.stats.builds += 1
        self.put(key, entry)
        return entry

    def clear(self) -> None:
        """Forget every entry, in memory and in this cache's directory."""
        self._memory.clear()
        if self.directory.is_dir():
            for p in self.directory.glob(f"??/*{SUFFIX}"):
                try:
                    p.unlink()
                except OSError:
                    pass
