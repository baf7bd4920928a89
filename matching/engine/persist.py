"""A fitted model as bytes, without pickle: arrays in ``np.savez``, the rest as JSON.

A run's model is written once (by the task that fits it) and read by every
chunk task, on whatever machine it runs, so it must live in a shared place
(the database) and must be safe to read: ``pickle`` would run whatever a
writer of that place put there. Here nothing but data is read back:

* arrays (any non-object dtype) and sparse matrices go into an ``.npz``
  archive, loaded with ``allow_pickle=False``;
* everything else is a JSON manifest (zlib-compressed: it holds the people's
  texts) of plain values, lists, tuples, sets, dicts, numpy scalars and dtypes;
* objects are rebuilt only for classes of this package (``matching.engine``)
  and a short list of scikit-learn estimators, by setting their attribute
  dictionary (no constructor, no ``__setstate__``, no other code runs).

The walk is generic, so attributes added to the model later travel with it as
long as they are made of these kinds of values (anything else raises
``TypeError`` when saving, never silently). Derived state can be left out
with ``skip`` (e.g. the mentees' transformed side, recomputed on demand).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import io
import json
import threading
import zlib
from typing import Any

import numpy as np
import scipy.sparse as sp

FORMAT = "matching-engine-state/1"
MANIFEST = "__manifest_zlib__"

#: Classes outside ``matching.engine`` that may be rebuilt.
ALLOWED_CLASSES = frozenset(
    {
        "sklearn.feature_extraction.text:TfidfVectorizer",
        "sklearn.feature_extraction.text:TfidfTransformer",
        "sklearn.feature_extraction.text:CountVectorizer",
        "sklearn.decomposition._truncated_svd:TruncatedSVD",
    }
)
ENGINE_PACKAGE = __name__.rsplit(".", 1)[0]


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _allowed(name: str) -> bool:
    module = name.split(":", 1)[0]
    return (
        name in ALLOWED_CLASSES
        or module == ENGINE_PACKAGE
        or module.startswith(ENGINE_PACKAGE + ".")
    )


def _plain(v) -> bool:
    return isinstance(v, str | int | float) and not isinstance(v, bool | np.generic)


def _fast_list(value: list):
    """People's columns (texts, skill dicts, language sets) without a walk per item."""
    if not value:
        return None
    first = value[0]
    if isinstance(first, str) and all(isinstance(v, str) for v in value):
        return {"__strs__": value}
    if isinstance(first, dict) and all(
        isinstance(d, dict) and all(isinstance(k, str) and _plain(x) for k, x in d.items())
        for d in value
    ):
        return {"__dicts__": value}
    if isinstance(first, frozenset) and all(
        isinstance(f, frozenset) and all(isinstance(x, str) for x in f) for f in value
    ):
        return {"__fsets__": [sorted(f) for f in value]}
    return None


class _Writer:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def array(self, a: np.ndarray) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.ascontiguousarray(a)
        return key

    def _fast_dict(self, value: dict):
        """Vocabularies (str -> int or numpy int) and name maps, in one piece."""
        if not value or not all(type(k) is str for k in value):
            return None
        kinds = {type(v) for v in value.values()}
        if len(kinds) != 1:
            return None
        kind = kinds.pop()
        if kind in (int, float, str):
            return {"__dict__": value}
        if issubclass(kind, np.generic) and kind is not np.object_:
            return {
                "__dictnp__": list(value),
                "values": self.array(np.fromiter(value.values(), dtype=kind, count=len(value))),
            }
        return None

    def encode(self, value: Any, skip: frozenset[str] = frozenset()) -> Any:
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int | float) and not isinstance(value, np.generic):
            return value
        if isinstance(value, np.generic):
            return {"__np__": value.dtype.str, "v": value.item()}
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                return {"__ndobj__": [self.encode(v) for v in value.tolist()]}
            return {"__nd__": self.array(value)}
        if sp.issparse(value):
            csr = sp.csr_matrix(value)
            return {
                "__sparse__": value.format,
                "data": self.array(csr.data),
                "indices": self.array(csr.indices),
                "indptr": self.array(csr.indptr),
                "shape": list(csr.shape),
            }
        if isinstance(value, list):
            fast = _fast_list(value)
            if fast is not None:
                return fast
            return [self.encode(v) for v in value]
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v) for v in value]}
        if isinstance(value, frozenset | set):
            kind = "__frozenset__" if isinstance(value, frozenset) else "__set__"
            items = [self.encode(v) for v in value]
            with contextlib.suppress(TypeError):  # a stable order where one exists
                items.sort(key=json.dumps)
            return {kind: items}
        if isinstance(value, dict):
            fast = self._fast_dict(value)
            if fast is not None:
                return fast
            if all(isinstance(k, str) for k in value):
                return {"__dict__": {k: self.encode(v) for k, v in value.items()}}
            return {"__items__": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, type) and issubclass(value, np.generic):
            return {"__dtype__": np.dtype(value).str}
        if isinstance(value, np.dtype):
            return {"__dtype_obj__": value.str}
        if isinstance(value, threading.local):
            return None  # per-call scratch buffers, never state
        name = _class_name(type(value))
        if not _allowed(name):
            raise TypeError(f"cannot store a {name} in a model state")
        state = dict(vars(value))
        if dataclasses.is_dataclass(value):
            state = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)} | state
        return {
            "__obj__": name,
            "state": {k: self.encode(v) for k, v in state.items() if k not in skip},
        }


class _Reader:
    def __init__(self, arrays) -> None:
        self.arrays = arrays

    def decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "__dictnp__" in value:
            return dict(zip(value["__dictnp__"], self.arrays[value["values"]], strict=True))
        if "__strs__" in value:
            return list(value["__strs__"])
        if "__dicts__" in value:
            return value["__dicts__"]
        if "__fsets__" in value:
            return [frozenset(v) for v in value["__fsets__"]]
        if "__nd__" in value:
            return self.arrays[value["__nd__"]]
        if "__np__" in value:
            return np.dtype(value["__np__"]).type(value["v"])
        if "__ndobj__" in value:
            out = np.empty(len(value["__ndobj__"]), dtype=object)
            out[:] = [self.decode(v) for v in value["__ndobj__"]]
            return out
        if "__sparse__" in value:
            m = sp.csr_matrix(
                (
                    self.arrays[value["data"]],
                    self.arrays[value["indices"]],
                    self.arrays[value["indptr"]],
                ),
                shape=tuple(value["shape"]),
            )
            return m.asformat(value["__sparse__"])
        if "__tuple__" in value:
            return tuple(self.decode(v) for v in value["__tuple__"])
        if "__frozenset__" in value:
            return frozenset(self.decode(v) for v in value["__frozenset__"])
        if "__set__" in value:
            return {self.decode(v) for v in value["__set__"]}
        if "__dict__" in value:
            return {k: self.decode(v) for k, v in value["__dict__"].items()}
        if "__items__" in value:
            return {self.decode(k): self.decode(v) for k, v in value["__items__"]}
        if "__dtype__" in value:
            return np.dtype(value["__dtype__"]).type
        if "__dtype_obj__" in value:
            return np.dtype(value["__dtype_obj__"])
        if "__obj__" in value:
            name = value["__obj__"]
            if not _allowed(name):
                raise ValueError(f"a model state may not contain a {name}")
            module, qualname = name.split(":", 1)
            cls: Any = importlib.import_module(module)
            for part in qualname.split("."):
                cls = getattr(cls, part)
            obj = object.__new__(cls)
            obj.__dict__.update({k: self.decode(v) for k, v in value["state"].items()})
            return obj
        raise ValueError(f"unknown entry in a model state: {sorted(value)[:3]}")


def state_dump(obj: Any, *, skip: frozenset[str] | set[str] = frozenset(), meta=None) -> bytes:
    """``obj`` (a fitted ``MatchModel``) as bytes; top-level attributes in ``skip`` are left out.

    ``meta`` is a JSON-able dict stored beside it (read back by :func:`state_load`).
    """
    writer = _Writer()
    root = writer.encode(obj, skip=frozenset(skip))
    manifest = json.dumps({"format": FORMAT, "root": root, "meta": meta or {}}).encode()
    packed = zlib.compress(manifest, 1)
    buf = io.BytesIO()
    np.savez(buf, **{MANIFEST: np.frombuffer(packed, dtype=np.uint8)}, **writer.arrays)
    return buf.getvalue()


def state_load(data: bytes | memoryview) -> tuple[Any, dict]:
    """(the object, its meta) from :func:`state_dump` bytes; never unpickles."""
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    if MANIFEST in arrays:
        manifest = json.loads(zlib.decompress(arrays.pop(MANIFEST).tobytes()))
    else:
        manifest = json.loads(arrays.pop("__manifest__").tobytes())
    if manifest.get("format") != FORMAT:
        raise ValueError(f"not a model state: {manifest.get('format')!r}")
    return _Reader(arrays).decode(manifest["root"]), manifest.get("meta") or {}


def fingerprint(data: bytes | memoryview) -> str:
    """SHA-256 of the stored bytes: two chunks with the same fingerprint used the same model."""
    return hashlib.sha256(data).hexdigest()
