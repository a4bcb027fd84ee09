"""Copy a real GGUF model with another chat template in its header: a hostile model file for the real engine."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path
from typing import BinaryIO

_SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY = 8, 9
_TEMPLATE_KEY = "tokenizer.chat_template"


def _read(handle: BinaryIO, fmt: str) -> int:
    size = struct.calcsize(fmt)
    return int(struct.unpack(fmt, handle.read(size))[0])


def _skip_value(handle: BinaryIO, kind: int) -> None:
    if kind == _STRING:
        handle.seek(_read(handle, "<Q"), 1)
    elif kind == _ARRAY:
        item_kind, count = _read(handle, "<I"), _read(handle, "<Q")
        if item_kind in _SCALAR_SIZES:
            handle.seek(_SCALAR_SIZES[item_kind] * count, 1)
        else:
            for _ in range(count):
                _skip_value(handle, item_kind)
    else:
        handle.seek(_SCALAR_SIZES[kind], 1)


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def with_chat_template(source: Path, target: Path, template: str) -> Path:
    """Write ``target``: ``source`` with ``tokenizer.chat_template`` set to ``template`` (tensor data untouched)."""
    with source.open("rb") as handle:
        magic, version = handle.read(4), _read(handle, "<I")
        n_tensors, n_kv = _read(handle, "<Q"), _read(handle, "<Q")
        pairs: list[bytes] = []
        alignment = 32
        for _ in range(n_kv):
            start = handle.tell()
            key = handle.read(_read(handle, "<Q")).decode("utf-8")
            kind = _read(handle, "<I")
            value_at = handle.tell()
            _skip_value(handle, kind)
            end = handle.tell()
            if key == "general.alignment":
                handle.seek(value_at)
                alignment = _read(handle, "<I")
                handle.seek(end)
            if key == _TEMPLATE_KEY:
                continue
            handle.seek(start)
            pairs.append(handle.read(end - start))
        pairs.append(_string(_TEMPLATE_KEY) + struct.pack("<I", _STRING) + _string(template))
        infos_at = handle.tell()
        for _ in range(n_tensors):
            handle.seek(_read(handle, "<Q"), 1)
            handle.seek(8 * _read(handle, "<I") + 4 + 8, 1)
        infos_end = handle.tell()
        handle.seek(infos_at)
        infos = handle.read(infos_end - infos_at)
        data_at = infos_end + (-infos_end % alignment)
        header = magic + struct.pack("<IQQ", version, n_tensors, len(pairs)) + b"".join(pairs) + infos
        header += b"\0" * (-len(header) % alignment)
        handle.seek(data_at)
        with target.open("wb") as out:
            out.write(header)
            shutil.copyfileobj(handle, out, 16 * 1024 * 1024)
    return target
