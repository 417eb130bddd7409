"""
Fixed harness for crossfork experiments: constants, data, tokenizer, dataloader, metric.
train.py imports from here; an experiment never edits this file (its SHA-256 is the harness id).

Usage (in training/):
    python3 prepare.py                      # download C4 shards, train the tokenizer, write token shards
    python3 prepare.py --num-shards 8       # more training text
    python3 prepare.py --text-dir DIR       # offline: the *.txt / *.md files under DIR instead
    CROSSFORK_SMOKE=1 python3 prepare.py    # tiny CPU configuration (local text, no network)

Everything is written to $CROSSFORK_CACHE (default ~/.cache/crossfork-training), in a
"smoke" subfolder for the smoke configuration.
"""

import os
import re
import sys
import gzip
import json
import math
import time
import heapq
import argparse
import itertools
import contextlib
import urllib.request
from collections import Counter, defaultdict
from multiprocessing import Pool

import numpy as np
import torch

# -----------------------------------------------------------------------------
# Constants (fixed: changing any of them changes the harness id)

SMOKE = os.environ.get("CROSSFORK_SMOKE", "") not in ("", "0")
MAX_SEQ_LEN = 64 if SMOKE else 2048              # context length
TIME_BUDGET = 15 if SMOKE else 300               # training seconds (excluding startup and evaluation)
EVAL_TOKENS = 4 * 1024 if SMOKE else 20 * 524288 # validation tokens scored by evaluate_bpb
VOCAB_SIZE = 512 if SMOKE else 8192              # byte-level BPE, including the BOS token
TOKENIZER_CHARS = 10**6 if SMOKE else 5 * 10**7  # training text the tokenizer learns merges from
assert VOCAB_SIZE <= 2**16, "token shards are uint16"
VAL_FRACTION = 0.1                               # --text-dir: the tail of each file goes to validation
# For tests and quick trials only: a run with a different budget is not comparable.
TIME_BUDGET = float(os.environ.get("CROSSFORK_TIME_BUDGET", TIME_BUDGET))

CACHE_DIR = os.environ.get("CROSSFORK_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "crossfork-training")
if SMOKE:
    CACHE_DIR = os.path.join(CACHE_DIR, "smoke")
SMOKE_TEXT_DIR = "/usr/share/common-licenses"  # on every Debian; elsewhere pass --text-dir

# Online data: allenai/c4 "en" (public web text), gzipped JSON lines, one document per line.
C4_URL = os.environ.get("CROSSFORK_DATA_URL", "https://huggingface.co/datasets/allenai/c4/resolve/main/en")
C4_TRAIN = "c4-train.{:05d}-of-01024.json.gz"
C4_VAL = "c4-validation.00000-of-00008.json.gz"

# Pre-tokenization: GPT-style chunks (contractions, words, 1-2 digits, punctuation runs,
# whitespace), written for Python's `re`. Every character falls in some branch, so joining
# the chunks gives back the text.
SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d{1,2}| ?(?:[^\w\s]|_)+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"""
SPLIT_RE = re.compile(SPLIT_PATTERN)
BOS_TOKEN = "<|bos|>"  # the last id; prepended to every document; decodes to zero bytes


class PrepareError(SystemExit):
    """An expected failure with a one-line message (exit status 1, no traceback)."""
    def __init__(self, message):
        super().__init__(f"prepare.py: {message}")

# -----------------------------------------------------------------------------
# Tokenizer: byte-level BPE. Ids 0-255 are bytes, then one id per merge, then BOS.

class Tokenizer:
    def __init__(self, merges):
        self.merges = [tuple(m) for m in merges]
        self.ranks = {pair: 256 + i for i, pair in enumerate(self.merges)}
        self.bos_token_id = 256 + len(self.merges)
        self.token_bytes = [bytes([i]) for i in range(256)]
        for a, b in self.merges:
            self.token_bytes.append(self.token_bytes[a] + self.token_bytes[b])
        self.token_bytes.append(b"")  # BOS
        self._cache = {}

    @classmethod
    def train(cls, texts, vocab_size):
        """Learns vocab_size - 257 merges from the chunk counts of texts (deterministic)."""
        counts = Counter()
        for text in texts:
            counts.update(SPLIT_RE.findall(text))
        words = [list(chunk.encode("utf-8")) for chunk in counts]
        freqs = list(counts.values())
        pair_counts, where = defaultdict(int), defaultdict(set)
        for w, (ids, f) in enumerate(zip(words, freqs)):
            for pair in zip(ids, ids[1:]):
                pair_counts[pair] += f
                where[pair].add(w)
        heap = [(-c, pair) for pair, c in pair_counts.items()]
        heapq.heapify(heap)
        merges = []
        while len(merges) < vocab_size - 257 and heap:
            neg, pair = heapq.heappop(heap)
            if pair_counts.get(pair, 0) != -neg or neg == 0:
                continue  # stale heap entry
            new_id = 256 + len(merges)
            merges.append(pair)
            touched = set()
            for w in sorted(where.pop(pair)):
                ids, f = words[w], freqs[w]
                for p in zip(ids, ids[1:]):
                    pair_counts[p] -= f
                    touched.add(p)
                words[w] = ids = _merge(ids, pair, new_id)
                for p in zip(ids, ids[1:]):
                    pair_counts[p] += f
                    where[p].add(w)
                    touched.add(p)
            pair_counts.pop(pair, None)
            for p in touched:
                if pair_counts.get(p, 0) > 0:
                    heapq.heappush(heap, (-pair_counts[p], p))
        return cls(merges)

    @classmethod
    def from_directory(cls, directory=None):
        path = os.path.join(directory or CACHE_DIR, "tokenizer.json")
        if not os.path.exists(path):
            raise PrepareError(f"no tokenizer at {path}. Run `python3 prepare.py` first"
                               f"{' (with CROSSFORK_SMOKE=1)' if SMOKE else ''}.")
        with open(path) as f:
            return cls(json.load(f)["merges"])

    def save(self, directory):
        with open(os.path.join(directory, "tokenizer.json"), "w") as f:
            json.dump({"pattern": SPLIT_PATTERN, "bos": BOS_TOKEN, "merges": self.merges}, f)

    def get_vocab_size(self):
        return len(self.token_bytes)

    def get_bos_token_id(self):
        return self.bos_token_id

    def _encode_chunk(self, chunk):
        ids = self._cache.get(chunk)
        if ids is None:
            ids = list(chunk.encode("utf-8"))
            while len(ids) > 1:
                pair = min(zip(ids, ids[1:]), key=lambda p: self.ranks.get(p, math.inf))
                if pair not in self.ranks:
                    break
                ids = _merge(ids, pair, self.ranks[pair])
            if len(self._cache) < 1_000_000:
                self._cache[chunk] = ids
        return ids

    def encode(self, text, prepend=None):
        ids = [] if prepend is None else [prepend]
        for chunk in SPLIT_RE.findall(text):
            ids.extend(self._encode_chunk(chunk))
        return ids

    def decode(self, ids):
        return b"".join(self.token_bytes[i] for i in ids).decode("utf-8", errors="replace")


def _merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def get_token_bytes(device="cpu"):
    """UTF-8 byte length of every token id (0 for BOS), as an int64 tensor."""
    path = os.path.join(CACHE_DIR, "token_bytes.npy")
    if not os.path.exists(path):
        raise PrepareError(f"no {path}. Run `python3 prepare.py` first.")
    return torch.from_numpy(np.load(path).astype(np.int64)).to(device)

# -----------------------------------------------------------------------------
# Data sources: C4 over HTTPS, or local text files. Each returns (train_groups, val_docs):
# the training documents in groups (one per shard), and the validation documents.

def download(url, path, attempts=3):
    if os.path.exists(path):
        return
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(url, timeout=30) as r, open(path + ".tmp", "wb") as f:
                while chunk := r.read(1 << 20):
                    f.write(chunk)
            os.replace(path + ".tmp", path)
            print(f"Downloaded {os.path.basename(path)}")
            return
        except OSError as e:
            if attempt == attempts:
                raise PrepareError(f"could not download {url} ({e}). Offline? "
                                   "Use `python3 prepare.py --text-dir DIR` with local .txt/.md files.")
            time.sleep(2 ** attempt)


def c4_documents(num_shards):
    raw = os.path.join(CACHE_DIR, "raw")
    os.makedirs(raw, exist_ok=True)
    names = [C4_TRAIN.format(i) for i in range(num_shards)] + [C4_VAL]
    for name in names:
        download(f"{C4_URL}/{name}", os.path.join(raw, name))
    def read(name):
        with gzip.open(os.path.join(raw, name), "rt", encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f]
    return (read(name) for name in names[:-1]), read(C4_VAL)  # train: one shard in memory at a time


def text_dir_documents(text_dir):
    """Every *.txt / *.md file (and extension-less file) under text_dir, sorted by path; the
    first 90% of each file (cut at a line break) is training text, the rest validation."""
    paths = set()
    for root, _, files in os.walk(text_dir):
        for name in files:
            if name.endswith((".txt", ".md")) or "." not in name:
                paths.add(os.path.realpath(os.path.join(root, name)))  # symlinked copies once
    train, val = [], []
    for path in sorted(paths):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        cut = text.find("\n", int(len(text) * (1 - VAL_FRACTION)))
        cut = len(text) if cut < 0 else cut + 1
        if text[:cut].strip():
            train.append(text[:cut])
        if text[cut:].strip():
            val.append(text[cut:])
    if not train or not val:
        raise PrepareError(f"no usable .txt/.md text under {text_dir}")
    return [train], val

# -----------------------------------------------------------------------------
# Token shards: every document as BOS + tokens, concatenated, uint16 in train.bin / val.bin.

_worker_tokenizer = None

def _init_worker(merges):
    global _worker_tokenizer
    _worker_tokenizer = Tokenizer(merges)

def _encode_doc(doc):
    return np.array(_worker_tokenizer.encode(doc, prepend=_worker_tokenizer.bos_token_id), dtype=np.uint16)


def write_shard(tokenizer, groups, path, workers):
    count = 0
    _init_worker(tokenizer.merges)
    with open(path + ".tmp", "wb") as f, Pool(workers, _init_worker, (tokenizer.merges,)) if workers > 1 else contextlib.nullcontext() as pool:
        for docs in groups:
            arrays = pool.map(_encode_doc, docs, chunksize=256) if pool else [_encode_doc(doc) for doc in docs]
            tokens = np.concatenate(arrays)
            tokens.tofile(f)
            count += len(tokens)
    os.replace(path + ".tmp", path)
    return count


def load_tokens(split):
    path = os.path.join(CACHE_DIR, f"{split}.bin")
    if not os.path.exists(path):
        raise PrepareError(f"no {path}. Run `python3 prepare.py` first"
                           f"{' (with CROSSFORK_SMOKE=1)' if SMOKE else ''}.")
    return np.memmap(path, dtype=np.uint16, mode="r")

# -----------------------------------------------------------------------------
# Dataloader: (x, y, epoch) batches of B windows of T tokens, y = x shifted by one.
# Window w is tokens w*T .. w*T+T, so consecutive windows' targets cover every token once.

def _windows(data, rows, T, device):
    batch = torch.from_numpy(data[np.asarray(rows)[:, None] * T + np.arange(T + 1)].astype(np.int64))
    if device.type == "cuda":
        batch = batch.pin_memory().to(device, non_blocking=True)
    return batch[:, :-1], batch[:, 1:]


def make_dataloader(tokenizer, B, T, split, device=None, seed=0):
    """train: every window of the epoch once, in a seeded random order, epoch after epoch.
    val: the windows in order from the start, wrapping around."""
    assert split in ("train", "val")
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    data = load_tokens(split)
    num_windows = (len(data) - 1) // T
    assert num_windows > 0, f"{split} split has fewer than {T + 1} tokens"
    epoch, order, pos = 1, None, 0
    while True:
        rows = []
        while len(rows) < B:
            if order is None or pos == num_windows:
                if order is not None:
                    epoch += 1
                order = np.random.default_rng(seed + epoch).permutation(num_windows) if split == "train" else np.arange(num_windows)
                pos = 0
            take = order[pos:pos + B - len(rows)]
            rows.extend(take)
            pos += len(take)
        x, y = _windows(data, rows, T, device)
        yield x, y, epoch

# -----------------------------------------------------------------------------
# Evaluation: the ground-truth metric (do not change)

@torch.no_grad()
def evaluate_bpb(model, tokenizer, batch_size):
    """Validation bits per byte, independent of the tokenizer.

    Scores the first EVAL_TOKENS // MAX_SEQ_LEN windows of val.bin (MAX_SEQ_LEN target
    tokens each, in order from the start, wrapping around a shorter val.bin), batch_size
    windows at a time: the same tokens whatever the batch size. `model(x, y, reduction='none')`
    must return each target token's cross-entropy in nats. Then

        val_bpb = sum of cross-entropy (nats) over the target tokens
                  / ln 2
                  / sum of the UTF-8 byte lengths those target tokens decode to

    where BOS targets (zero bytes) are left out of both sums. A model that gives every token
    the same probability (all logits equal) scores log2(V) * n_tokens / n_bytes.
    `tokenizer` is not used (kept for autoresearch's signature): byte lengths come from
    token_bytes.npy.
    """
    token_bytes = get_token_bytes()
    device = next(iter(model.parameters()), torch.empty(0)).device
    data = load_tokens("val")
    num_windows = (len(data) - 1) // MAX_SEQ_LEN
    eval_windows = EVAL_TOKENS // MAX_SEQ_LEN
    total_nats, total_bytes = 0.0, 0
    for start in range(0, eval_windows, batch_size):
        rows = np.arange(start, min(start + batch_size, eval_windows)) % num_windows
        x, y = _windows(data, rows, MAX_SEQ_LEN, device)
        loss = model(x, y, reduction="none").reshape(-1).double().cpu()
        nbytes = token_bytes[y.reshape(-1).cpu()]
        total_nats += loss[nbytes > 0].sum().item()
        total_bytes += nbytes.sum().item()
    return total_nats / (math.log(2) * total_bytes)

# -----------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description="Prepare data and tokenizer for crossfork training")
    parser.add_argument("--text-dir", help="use the .txt/.md files under DIR instead of downloading C4")
    parser.add_argument("--num-shards", type=int, default=4, help="C4 training shards to download (~200M tokens each)")
    parser.add_argument("--workers", type=int, default=1 if SMOKE else os.cpu_count(), help="tokenizing processes")
    args = parser.parse_args()
    t0 = time.time()
    text_dir = args.text_dir
    if SMOKE and not text_dir:
        if not os.path.isdir(SMOKE_TEXT_DIR):
            raise PrepareError(f"smoke configuration: no {SMOKE_TEXT_DIR} here; pass --text-dir DIR")
        text_dir = SMOKE_TEXT_DIR
    os.makedirs(CACHE_DIR, exist_ok=True)
    print(f"Cache: {CACHE_DIR}  source: {text_dir or 'C4 (' + str(args.num_shards) + ' shards)'}")
    train_groups, val_docs = text_dir_documents(text_dir) if text_dir else c4_documents(args.num_shards)
    train_groups = iter(train_groups)
    first = next(train_groups)

    sample, n = [], 0
    for doc in first:
        sample.append(doc[:TOKENIZER_CHARS - n])
        n += len(sample[-1])
        if n >= TOKENIZER_CHARS:
            break
    tokenizer = Tokenizer.train(sample, VOCAB_SIZE)
    test = "Hello world! Numbers: 123. Unicode: 你好 snake_case\n\n  x"
    assert tokenizer.decode(tokenizer.encode(test)) == test, "tokenizer round trip failed"
    tokenizer.save(CACHE_DIR)
    np.save(os.path.join(CACHE_DIR, "token_bytes.npy"), np.array([len(b) for b in tokenizer.token_bytes], dtype=np.int32))
    print(f"Tokenizer: {tokenizer.get_vocab_size()} tokens from {n:,} chars in {time.time() - t0:.1f}s")
    if tokenizer.get_vocab_size() < VOCAB_SIZE:
        print(f"Note: the text ran out of pairs to merge before VOCAB_SIZE={VOCAB_SIZE}")

    counts = {split: write_shard(tokenizer, groups, os.path.join(CACHE_DIR, f"{split}.bin"), args.workers)
              for split, groups in (("train", itertools.chain([first], train_groups)), ("val", [val_docs]))}
    with open(os.path.join(CACHE_DIR, "meta.json"), "w") as f:
        json.dump({"source": text_dir or "c4", "tokens": counts, "vocab_size": tokenizer.get_vocab_size()}, f)
    print(f"Tokens: train {counts['train']:,}  val {counts['val']:,}")
    if counts["val"] < EVAL_TOKENS:
        print(f"Note: val has fewer than EVAL_TOKENS={EVAL_TOKENS:,} tokens; evaluation wraps around it")
    print(f"Done in {time.time() - t0:.1f}s. Ready to train.")


if __name__ == "__main__":
    main()
