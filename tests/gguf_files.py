"""Write small but valid GGUF files for tests: a real header and real tensor data, without weights to speak of."""

from __future__ import annotations

import struct
from pathlib import Path

_ALIGN = 32


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _value(value: object) -> bytes:
    if isinstance(value, bool):
        return struct.pack("<I?", 7, value)
    if isinstance(value, int):
        return struct.pack("<Iq", 11, value) if value < 0 else struct.pack("<IQ", 10, value)
    if isinstance(value, float):
        return struct.pack("<If", 6, value)
    if isinstance(value, str):
        return struct.pack("<I", 8) + _string(value)
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return struct.pack("<IIQ", 9, 8, len(value)) + b"".join(_string(v) for v in value)
        return struct.pack("<IIQ", 9, 5, len(value)) + b"".join(struct.pack("<i", v) for v in value)
    raise TypeError(value)


def tiny_gguf_bytes(
    *,
    architecture: str = "llama",
    name: str = "Tiny Test Model",
    context_length: int = 4096,
    file_type: int = 15,
    chat_template: str | None = "{% for m in messages %}{{ m.content }}{% endfor %}",
    license: str | None = "apache-2.0",
    version: int = 3,
    size_label: str | None = None,
    extra: dict[str, object] | None = None,
    bulk_floats: int = 0,
) -> bytes:
    """A complete GGUF file: metadata a real model has, and F32 tensors with their data (24 parameters, plus a
    ``bulk_floats`` tensor to make the file as large as a test needs)."""
    metadata: dict[str, object] = {
        "general.architecture": architecture,
        "general.name": name,
        f"{architecture}.context_length": context_length,
        "general.file_type": file_type,
        "tokenizer.ggml.tokens": ["<s>", "</s>", "a", "b"] * 40,
    }
    if chat_template is not None:
        metadata["tokenizer.chat_template"] = chat_template
    if license is not None:
        metadata["general.license"] = license
    if size_label is not None:
        metadata["general.size_label"] = size_label
    metadata.update(extra or {})
    tensors = [("token_embd.weight", (4, 4)), ("output_norm.weight", (8,))]
    if bulk_floats:
        tensors.append(("blk.0.ffn_up.weight", (bulk_floats,)))
    header = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(metadata))
    header += b"".join(_string(k) + _value(v) for k, v in metadata.items())
    offset = 0
    data = b""
    for tensor_name, dims in tensors:
        header += _string(tensor_name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        header += struct.pack("<IQ", 0, offset)
        count = 1
        for d in dims:
            count *= d
        chunk = struct.pack(f"<{count}f", *([0.5] * count))
        chunk += b"\0" * (-len(chunk) % _ALIGN)
        data += chunk
        offset += len(chunk)
    header += b"\0" * (-len(header) % _ALIGN)
    return header + data


def write_tiny_gguf(path: Path, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tiny_gguf_bytes(**kwargs))  # type: ignore[arg-type]
    return path
