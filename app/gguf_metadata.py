"""Read what a GGUF file says about itself — name, architecture, size, quantization — without loading weights.

The header is parsed here (magic, version, tensor count, key/value pairs, tensor shapes; GGUF v2 and v3,
little-endian) so that listing models costs milliseconds and a broken file is rejected with a message instead of
crashing llama.cpp. Large arrays (the tokenizer's vocabulary) are walked but not kept.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from app.errors import ModelError

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
_KEEP_ARRAY_ITEMS = 64

# Architectures llama.cpp (as bundled with llama-cpp-python 0.3.x) loads as text-generation models.
SUPPORTED_ARCHITECTURES = frozenset(
    {
        "llama", "llama4", "mistral3", "qwen", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "gemma", "gemma2",
        "gemma3", "gemma3n", "phi2", "phi3", "phimoe", "starcoder", "starcoder2", "stablelm", "falcon", "gpt2",
        "gptj", "gptneox", "mpt", "bloom", "command-r", "cohere2", "deepseek", "deepseek2", "olmo", "olmo2",
        "olmoe", "granite", "granitemoe", "internlm2", "minicpm", "minicpm3", "chatglm", "glm4", "glm4moe",
        "exaone", "exaone4", "smollm3", "ernie4_5", "ernie4_5-moe", "hunyuan-dense", "hunyuan-moe", "orion",
        "baichuan", "xverse", "refact", "codeshell", "openelm", "arctic", "dbrx", "jais", "nemotron", "mamba",
        "mamba2", "rwkv6", "rwkv7", "plamo", "plamo2", "gpt-oss", "bitnet", "t5", "falcon-h1", "seed_oss",
    }
)  # fmt: skip

# llama.cpp's LLAMA_FTYPE values, as written to ``general.file_type``.
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
    37: "TQ2_0", 38: "MXFP4_MOE",
}  # fmt: skip

# ggml tensor types: (elements per block, bytes per block), to know where the tensor data must end.
_TENSOR_BLOCKS = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 36),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82),
    23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66), 39: (32, 17),
}  # fmt: skip
_DEFAULT_ALIGNMENT = 32

# Value types: struct format for the scalars; 8 is a string, 9 an array.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


class _Truncated(Exception):
    """The file ended inside the header."""


@dataclass(frozen=True)
class GGUFInfo:
    """The facts about one GGUF model file that the model manager shows."""

    path: Path
    version: int
    tensor_count: int
    architecture: str
    name: str | None
    parameters: int
    size_label: str | None
    quantization: str | None
    context_length: int | None
    has_chat_template: bool
    license: str | None
    metadata: dict[str, object] = field(repr=False, compare=False)

    @property
    def parameters_label(self) -> str:
        """``general.size_label`` when the file has one, else the counted parameters (``494M``, ``1.5B``)."""
        if self.size_label:
            return self.size_label
        if self.parameters >= 1_000_000_000:
            return f"{self.parameters / 1e9:.1f}B"
        if self.parameters >= 1_000_000:
            return f"{self.parameters / 1e6:.0f}M"
        return str(self.parameters)


class _Reader:
    def __init__(self, handle: BinaryIO, file_size: int) -> None:
        self._handle = handle
        self._remaining = file_size
        self.file_size = file_size

    @property
    def position(self) -> int:
        return self.file_size - self._remaining

    def take(self, count: int) -> bytes:
        if count > self._remaining:
            raise _Truncated
        data = self._handle.read(count)
        if len(data) != count:
            raise _Truncated
        self._remaining -= count
        return data

    def unpack(self, fmt: str) -> int | float | bool:
        value: int | float | bool = struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        return value

    def u32(self) -> int:
        return int(self.unpack("<I"))

    def u64(self) -> int:
        return int(self.unpack("<Q"))

    def string(self) -> str:
        return self.take(self.u64()).decode("utf-8", errors="replace")

    def value(self, kind: int) -> object:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.u32(), self.u64()
            if item_kind == _ARRAY or (item_kind not in _SCALARS and item_kind != _STRING):
                raise ValueError(f"unsupported array item type {item_kind}")
            if count > self._remaining:
                raise _Truncated
            items = [self.value(item_kind) for _ in range(count)]
            return items if count <= _KEEP_ARRAY_ITEMS else ArrayOfLength(count)
        raise ValueError(f"unknown value type {kind}")


class ArrayOfLength(int):
    """Stands in for a long array (a vocabulary) whose items were skipped: only its length is kept."""


def read_gguf(path: Path) -> GGUFInfo:
    """Parse the header of the GGUF file at ``path``; :class:`ModelError` names the file and what is wrong."""
    try:
        file_size = path.stat().st_size
        if file_size == 0:
            raise ModelError(f"{path} is empty (0 bytes), not a GGUF model.")
        with path.open("rb") as handle:
            reader = _Reader(handle, file_size)
            return _parse(path, reader)
    except _Truncated:
        raise ModelError(f"{path} is truncated: the file ends inside its GGUF header (incomplete download?).") from None
    except (ValueError, UnicodeDecodeError, struct.error) as exc:
        raise ModelError(f"{path} has a corrupt GGUF header: {exc}.") from None
    except FileNotFoundError:
        raise ModelError(f"Model file not found: {path}") from None
    except IsADirectoryError:
        raise ModelError(f"{path} is a folder, not a GGUF model file.") from None
    except OSError as exc:
        raise ModelError(f"Cannot read {path}: {exc.strerror or exc}") from None


def _parse(path: Path, reader: _Reader) -> GGUFInfo:
    magic = reader.take(4)
    if magic != GGUF_MAGIC:
        raise ModelError(f"{path} is not a GGUF model file (it does not start with 'GGUF').")
    version = reader.u32()
    if version not in SUPPORTED_VERSIONS:
        raise ModelError(f"{path} uses GGUF version {version}; only versions 2 and 3 (little-endian) are supported.")
    tensor_count, kv_count = reader.u64(), reader.u64()
    metadata: dict[str, object] = {}
    for _ in range(kv_count):
        key = reader.string()
        metadata[key] = reader.value(reader.u32())
    parameters = 0
    data_end = 0
    for _ in range(tensor_count):
        reader.string()
        dims = [reader.u64() for _ in range(reader.u32())]
        tensor_type, offset = reader.u32(), reader.u64()
        elements = math.prod(dims)
        parameters += elements
        per_block, block_bytes = _TENSOR_BLOCKS.get(tensor_type, (elements or 1, 0))
        data_end = max(data_end, offset + elements // per_block * block_bytes)
    alignment = metadata.get("general.alignment", _DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0:
        alignment = _DEFAULT_ALIGNMENT
    data_start = -(-reader.position // alignment) * alignment
    if tensor_count and data_start + data_end > reader.file_size:
        raise ModelError(
            f"{path} is truncated: its tensors need {data_start + data_end} bytes but the file has "
            f"{reader.file_size} (incomplete download?)."
        )
    architecture = _text(metadata.get("general.architecture"))
    if not architecture:
        raise ModelError(f"{path} has no 'general.architecture' in its GGUF metadata.")
    if architecture not in SUPPORTED_ARCHITECTURES:
        raise ModelError(f"{path} is a '{architecture}' model, an architecture this app cannot chat with.")
    file_type = metadata.get("general.file_type")
    context = metadata.get(f"{architecture}.context_length")
    return GGUFInfo(
        path=path,
        version=version,
        tensor_count=tensor_count,
        architecture=architecture,
        name=_text(metadata.get("general.name")),
        parameters=parameters,
        size_label=_text(metadata.get("general.size_label")),
        quantization=FILE_TYPES.get(file_type, f"type {file_type}") if isinstance(file_type, int) else None,
        context_length=context if isinstance(context, int) else None,
        has_chat_template=bool(_text(metadata.get("tokenizer.chat_template"))),
        license=_text(metadata.get("general.license")),
        metadata=metadata,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
