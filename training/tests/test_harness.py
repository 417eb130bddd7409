"""
Tests of the fixed harness (prepare.py) and the pieces of train.py it relies on.
Runs the smoke configuration on local text, in a throw-away cache:
    cd training && python3 -m unittest discover -s tests -v
"""

import os
import sys
import math
import shutil
import tempfile
import unittest
import subprocess

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = tempfile.mkdtemp(prefix="crossfork-training-test-")
os.environ["CROSSFORK_SMOKE"] = "1"
os.environ["CROSSFORK_CACHE"] = CACHE
sys.path.insert(0, TRAINING_DIR)

import numpy as np
import torch
import torch.nn.functional as F

import prepare
import train


def setUpModule():
    subprocess.run([sys.executable, "prepare.py"], cwd=TRAINING_DIR, check=True, capture_output=True)


def tearDownModule():
    shutil.rmtree(CACHE, ignore_errors=True)


class UniformModel(torch.nn.Module):
    """Every token equally likely: all logits zero."""
    def __init__(self, vocab_size):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, idx, targets, reduction="mean"):
        logits = torch.zeros(*idx.shape, self.vocab_size, dtype=torch.float64)
        return F.cross_entropy(logits.view(-1, self.vocab_size), targets.reshape(-1), reduction=reduction)


class TestEvaluateBpb(unittest.TestCase):
    def test_uniform_model_scores_log2_vocab_per_token_in_bytes(self):
        tokenizer = prepare.Tokenizer.from_directory()
        V, B, T = tokenizer.get_vocab_size(), 4, prepare.MAX_SEQ_LEN
        bpb = prepare.evaluate_bpb(UniformModel(V), tokenizer, B)
        # independently: the targets of the first EVAL_TOKENS // T windows of val.bin
        val = np.fromfile(os.path.join(prepare.CACHE_DIR, "val.bin"), dtype=np.uint16).astype(np.int64)
        token_bytes = np.array([len(b) for b in tokenizer.token_bytes])
        windows = prepare.EVAL_TOKENS // T
        num_windows = (len(val) - 1) // T
        targets = np.concatenate([val[(w % num_windows) * T + 1:(w % num_windows) * T + T + 1] for w in range(windows)])
        nbytes = token_bytes[targets]
        expected = math.log2(V) * np.count_nonzero(nbytes) / nbytes.sum()
        self.assertAlmostEqual(bpb, expected, delta=1e-12 * expected)
        self.assertEqual(token_bytes[tokenizer.bos_token_id], 0)
        self.assertIn(tokenizer.bos_token_id, targets)  # BOS targets really are left out

    def test_same_number_twice_for_a_fixed_model(self):
        torch.manual_seed(0)
        tokenizer = prepare.Tokenizer.from_directory()
        config = train.GPTConfig(sequence_len=prepare.MAX_SEQ_LEN, vocab_size=tokenizer.get_vocab_size(),
                                 n_layer=2, n_head=2, n_embd=64)
        model = train.GPT(config)
        model.init_weights()
        torch.nn.init.normal_(model.lm_head.weight, std=0.1)  # not uniform
        model.eval()
        first = prepare.evaluate_bpb(model, tokenizer, 16)
        second = prepare.evaluate_bpb(model, tokenizer, 16)
        self.assertEqual(first, second)
        self.assertTrue(math.isfinite(first) and first > 0)
        other_batch = prepare.evaluate_bpb(model, tokenizer, 7)  # same tokens, other batching
        self.assertAlmostEqual(first, other_batch, delta=1e-5 * first)


class TestTokenizer(unittest.TestCase):
    def test_round_trip_and_deterministic_training(self):
        text = "Hello world! Numbers: 1234. Unicode: 你好, naïve snake_case\ttabs\n\n  spaces  "
        docs = [text * 3, "the quick brown fox jumps over the lazy dog " * 20]
        a, b = prepare.Tokenizer.train(docs, 300), prepare.Tokenizer.train(docs, 300)
        self.assertEqual(a.merges, b.merges)
        self.assertEqual(a.get_vocab_size(), 300)
        for doc in docs:
            self.assertEqual(a.decode(a.encode(doc)), doc)
        self.assertEqual("".join(prepare.SPLIT_RE.findall(text)), text)

    def test_token_bytes_match_decoding(self):
        tokenizer = prepare.Tokenizer.from_directory()
        token_bytes = prepare.get_token_bytes()
        self.assertEqual(len(token_bytes), tokenizer.get_vocab_size())
        ids = tokenizer.encode("The GNU General Public License")
        self.assertEqual(int(token_bytes[ids].sum()), len("The GNU General Public License".encode()))


class TestTrainPieces(unittest.TestCase):
    def test_newton_schulz_orthogonalises(self):
        torch.manual_seed(0)
        G = torch.randn(32, 96)
        s = torch.linalg.svdvals(train.zeropower_via_newtonschulz5(G))
        self.assertTrue(bool((s > 0.5).all() and (s < 1.5).all()), s)

    def test_fused_attention_branch_matches_the_explicit_one(self):
        # PyTorch 1.x has no F.scaled_dot_product_attention: stand in its documented semantics
        def reference_sdpa(q, k, v, is_causal=False):
            T = q.size(-2)
            att = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))
            att = att.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
            return att.softmax(-1) @ v
        torch.manual_seed(0)
        config = train.GPTConfig(sequence_len=32, vocab_size=100, n_layer=2, n_head=2, n_embd=64)
        model = train.GPT(config)
        model.init_weights()
        for block in model.blocks:  # non-zero output projections, so attention matters
            torch.nn.init.normal_(block.attn.c_proj.weight, std=0.05)
        idx = torch.randint(0, 100, (2, 32))
        saved = (train.HAS_SDPA, getattr(F, "scaled_dot_product_attention", None))
        try:
            train.HAS_SDPA = False
            explicit = model(idx)
            train.HAS_SDPA = True
            if saved[1] is None:
                F.scaled_dot_product_attention = reference_sdpa
            fused = model(idx)
        finally:
            train.HAS_SDPA = saved[0]
            if saved[1] is None:
                del F.scaled_dot_product_attention
        self.assertTrue(torch.allclose(explicit, fused, atol=1e-5), (explicit - fused).abs().max())

    @unittest.skipUnless(hasattr(torch, "compile") and hasattr(F, "scaled_dot_product_attention"), "PyTorch 1.x: no torch.compile")
    def test_compiled_model_matches_eager_on_pytorch_2(self):
        # The PyTorch 2 path of train.py (torch.compile + F.scaled_dot_product_attention), on the CPU
        torch.manual_seed(0)
        model = train.GPT(train.GPTConfig(sequence_len=32, vocab_size=100, n_layer=2, n_head=2, n_embd=64))
        model.init_weights()
        for block in model.blocks:
            torch.nn.init.normal_(block.attn.c_proj.weight, std=0.05)
        idx, targets = torch.randint(0, 100, (2, 32)), torch.randint(0, 100, (2, 32))
        self.assertTrue(train.HAS_SDPA)
        eager = model(idx, targets)
        compiled = torch.compile(model, dynamic=False)(idx, targets)
        self.assertTrue(torch.allclose(eager, compiled, atol=1e-4), (eager - compiled).abs().max())
        compiled.backward()  # the compiled graph trains too
        self.assertTrue(all(p.grad is not None for p in model.blocks.parameters()))

    def test_model_is_causal(self):
        torch.manual_seed(0)
        model = train.GPT(train.GPTConfig(sequence_len=16, vocab_size=50, n_layer=2, n_head=2, n_embd=32))
        model.init_weights()
        for block in model.blocks:
            torch.nn.init.normal_(block.attn.c_proj.weight, std=0.1)
        idx = torch.randint(0, 50, (1, 16))
        changed = idx.clone()
        changed[0, 10] = (idx[0, 10] + 1) % 50
        a, b = model(idx), model(changed)
        self.assertTrue(torch.allclose(a[:, :10], b[:, :10], atol=1e-6))
        self.assertFalse(torch.allclose(a[:, 10:], b[:, 10:], atol=1e-6))

    def test_loader_shapes_and_shift(self):
        tokenizer = prepare.Tokenizer.from_directory()
        x, y, epoch = next(prepare.make_dataloader(tokenizer, 3, 16, "train", device="cpu"))
        self.assertEqual(tuple(x.shape), (3, 16))
        self.assertTrue(torch.equal(x[:, 1:], y[:, :-1]))
        self.assertEqual(epoch, 1)


class TestDownload(unittest.TestCase):
    def test_c4_shards_over_http(self):
        """prepare.py's online path against a local server holding C4-format shards."""
        import gzip, json, threading, functools, http.server
        with tempfile.TemporaryDirectory() as served, tempfile.TemporaryDirectory() as cache:
            docs = [f"Document {i}: the quick brown fox jumps over the lazy dog, {i * 7} times.\n" * 3 for i in range(200)]
            for name, part in (("c4-train.00000-of-01024.json.gz", docs[:180]), ("c4-validation.00000-of-00008.json.gz", docs[180:])):
                with gzip.open(os.path.join(served, name), "wt") as f:
                    f.writelines(json.dumps({"text": d, "url": "https://example.com"}) + "\n" for d in part)
            class Quiet(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=served))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                env = {k: v for k, v in os.environ.items() if k != "CROSSFORK_SMOKE"}
                env.update(CROSSFORK_CACHE=cache, CROSSFORK_DATA_URL=f"http://127.0.0.1:{server.server_address[1]}", no_proxy="*")
                r = subprocess.run([sys.executable, "prepare.py", "--num-shards", "1", "--workers", "1"],
                                   cwd=TRAINING_DIR, env=env, capture_output=True, text=True)
            finally:
                server.shutdown()
                server.server_close()
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("Downloaded c4-train.00000-of-01024.json.gz", r.stdout)
            val = np.fromfile(os.path.join(cache, "val.bin"), dtype=np.uint16)
            tokenizer = prepare.Tokenizer.from_directory(cache)
            self.assertEqual(int((val == tokenizer.bos_token_id).sum()), 20)  # one BOS per document
            self.assertTrue(tokenizer.decode(val[:40].tolist()).startswith("Document 180: the quick"))


class TestNotPrepared(unittest.TestCase):
    def test_train_refuses_with_a_clear_message(self):
        with tempfile.TemporaryDirectory() as empty:
            env = dict(os.environ, CROSSFORK_CACHE=empty)
            r = subprocess.run([sys.executable, "train.py"], cwd=TRAINING_DIR, env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Run `python3 prepare.py` first", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()
