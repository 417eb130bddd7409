"""
crossfork pretraining script: one file, one device, a fixed time budget (prepare.TIME_BUDGET).
The model, the optimizer and the training loop live here; this is the file experiments edit.

Usage (in training/, after `python3 prepare.py`):
    python3 train.py                         # or: uv run train.py
    python3 train.py --DEPTH=4 --MATRIX_LR=0.03   # override any UPPER_CASE constant below
    CROSSFORK_SMOKE=1 python3 train.py       # tiny CPU configuration (after the smoke prepare)

Ends by printing the summary block (`---`, then `val_bpb:` ... `depth:`).
"""

import os
import gc
import sys
import math
import time
import contextlib
from ast import literal_eval
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from prepare import SMOKE, MAX_SEQ_LEN, TIME_BUDGET, Tokenizer, make_dataloader, evaluate_bpb

# -----------------------------------------------------------------------------
# Hyperparameters: edit the `NAME = value` lines (or pass --NAME=value)

# Model shape
DEPTH = 8                  # transformer layers
ASPECT_RATIO = 64          # model_dim = DEPTH * ASPECT_RATIO, rounded up to a multiple of HEAD_DIM
HEAD_DIM = 128             # attention head size
# Batch
TOTAL_BATCH_SIZE = 2**19   # tokens per optimizer step
DEVICE_BATCH_SIZE = 64     # sequences per forward/backward (gradient accumulation makes up the rest)
EVAL_BATCH_SIZE = 64       # sequences per evaluation batch
# Optimizer: Muon for the matrices inside the blocks, AdamW for everything else
MATRIX_LR = 0.04           # Muon learning rate
EMBEDDING_LR = 0.6         # AdamW, token embedding (scaled by (model_dim/768)^-0.5)
UNEMBEDDING_LR = 0.004     # AdamW, lm_head (same scaling)
SCALAR_LR = 0.5            # AdamW, per-layer residual scalars
WEIGHT_DECAY = 0.2         # decoupled weight decay on the Muon matrices
ADAM_BETAS = (0.8, 0.95)
MUON_MOMENTUM = 0.95       # reached after MUON_MOMENTUM_WARMUP steps, starting from 0.85
MUON_MOMENTUM_WARMUP = 300
# Schedule, as fractions of the time budget
WARMUP_RATIO = 0.0
WARMDOWN_RATIO = 0.5
FINAL_LR_FRAC = 0.0
LOGIT_SOFTCAP = 15.0
SEED = 42

# The smoke configuration (CROSSFORK_SMOKE=1): a model small enough for a CPU in seconds.
SMOKE_OVERRIDES = dict(DEPTH=2, ASPECT_RATIO=32, HEAD_DIM=32, TOTAL_BATCH_SIZE=1024,
                       DEVICE_BATCH_SIZE=16, EVAL_BATCH_SIZE=16, MUON_MOMENTUM_WARMUP=50)
if SMOKE:
    globals().update(SMOKE_OVERRIDES)
for arg in sys.argv[1:] if __name__ == "__main__" else []:
    name, _, value = arg.removeprefix("--").partition("=")
    if not (name.isupper() and name in globals() and value) or name in ("SMOKE", "MAX_SEQ_LEN", "TIME_BUDGET"):
        sys.exit(f"train.py: unknown override {arg!r} (use --NAME=value with a constant of train.py)")
    try:
        globals()[name] = literal_eval(value)
    except (ValueError, SyntaxError):
        globals()[name] = value

# -----------------------------------------------------------------------------
# The model: GPT with RoPE, RMSNorm, QK-norm, ReLU² MLP, untied embeddings, softcapped logits

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")  # PyTorch >= 2.0 (flash attention on CUDA)


@dataclass
class GPTConfig:
    sequence_len: int
    vocab_size: int
    n_layer: int
    n_head: int
    n_embd: int


def norm(x):
    # RMSNorm without weights, computed in fp32
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-6)).type_as(x)


def apply_rotary(x, cos, sin):
    # x: (B, T, H, D); rotate the two halves of each head by position-dependent angles
    d = x.size(-1) // 2
    x1, x2 = x[..., :d], x[..., d:]
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    return torch.cat([x1 * cos + x2 * sin, x2 * cos - x1 * sin], dim=-1)


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        self.head_dim = config.n_embd // config.n_head
        self.c_q = nn.Linear(config.n_embd, config.n_embd, bias=False)
        self.c_k = nn.Linear(config.n_embd, config.n_embd, bias=False)
        self.c_v = nn.Linear(config.n_embd, config.n_embd, bias=False)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=False)

    def forward(self, x, cos, sin):
        B, T, C = x.size()
        q = self.c_q(x).view(B, T, self.n_head, self.head_dim)
        k = self.c_k(x).view(B, T, self.n_head, self.head_dim)
        v = self.c_v(x).view(B, T, self.n_head, self.head_dim)
        q, k = norm(apply_rotary(q, cos, sin)), norm(apply_rotary(k, cos, sin))  # QK-norm
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)      # (B, H, T, D)
        if HAS_SDPA:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # PyTorch 1.x: explicit masked softmax
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            y = att @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=False)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=False)

    def forward(self, x):
        return self.c_proj(F.relu(self.c_fc(x)).square())


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attn = CausalSelfAttention(config)
        self.mlp = MLP(config)

    def forward(self, x, cos, sin):
        x = x + self.attn(norm(x), cos, sin)
        return x + self.mlp(norm(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # per-layer scalars: x = resid_lambda * x + x0_lambda * x0 (x0 = the embedded input)
        self.resid_lambdas = nn.Parameter(torch.ones(config.n_layer))
        self.x0_lambdas = nn.Parameter(torch.zeros(config.n_layer))
        head_dim = config.n_embd // config.n_head
        inv_freq = 1.0 / (10000 ** (torch.arange(0, head_dim, 2).float() / head_dim))
        angles = torch.outer(torch.arange(config.sequence_len).float(), inv_freq)[None, :, None, :]
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)

    @torch.no_grad()
    def init_weights(self):
        s = 3**0.5 * self.config.n_embd**-0.5  # uniform bound with std 1/sqrt(n_embd)
        nn.init.normal_(self.wte.weight, std=1.0)
        nn.init.normal_(self.lm_head.weight, std=0.001)
        for block in self.blocks:
            for lin in (block.attn.c_q, block.attn.c_k, block.attn.c_v, block.mlp.c_fc):
                nn.init.uniform_(lin.weight, -s, s)
            nn.init.zeros_(block.attn.c_proj.weight)  # each block starts as the identity
            nn.init.zeros_(block.mlp.c_proj.weight)
        self.resid_lambdas.fill_(1.0)
        self.x0_lambdas.fill_(0.1)

    def forward(self, idx, targets=None, reduction="mean"):
        T = idx.size(1)
        cos, sin = self.cos[:, :T], self.sin[:, :T]
        x = x0 = norm(self.wte(idx))
        for i, block in enumerate(self.blocks):
            x = block(self.resid_lambdas[i] * x + self.x0_lambdas[i] * x0, cos, sin)
        logits = self.lm_head(norm(x)).float()
        logits = LOGIT_SOFTCAP * torch.tanh(logits / LOGIT_SOFTCAP)
        if targets is None:
            return logits
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-1, reduction=reduction)

    def flops_per_token(self):
        # 6 FLOPs per weight per token (forward + backward) for every matmul weight, plus attention scores
        nparams = sum(p.numel() for p in self.parameters()) - self.wte.weight.numel()
        c = self.config
        return 6 * nparams + 12 * c.n_layer * c.n_embd * c.sequence_len

# -----------------------------------------------------------------------------
# Muon: momentum SGD whose update is orthogonalised by a Newton–Schulz iteration

@torch.no_grad()
def zeropower_via_newtonschulz5(G, steps=5):
    # quintic iteration pushing G's singular values towards 1 (approximately U V^T of its SVD)
    a, b, c = 3.4445, -4.7750, 2.0315
    X = G.bfloat16() if G.is_cuda else G.float()
    transposed = X.size(-2) > X.size(-1)
    if transposed:
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + 1e-7)
    for _ in range(steps):
        A = X @ X.mT
        X = a * X + (b * A + c * A @ A) @ X
    return X.mT if transposed else X


class Muon(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum, weight_decay, ns_steps=5):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, ns_steps=ns_steps))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, mom, wd = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                buf = self.state[p].setdefault("momentum_buffer", torch.zeros_like(p.grad))
                buf.lerp_(p.grad, 1 - mom)
                g = p.grad.lerp(buf, mom)  # Nesterov
                update = zeropower_via_newtonschulz5(g, group["ns_steps"])
                p.mul_(1 - lr * wd)
                p.add_(update.to(p.dtype), alpha=-lr * max(1, p.size(-2) / p.size(-1)) ** 0.5)


def build_optimizers(model, model_dim):
    matrices = [p for p in model.blocks.parameters() if p.ndim == 2]
    scale = (model_dim / 768) ** -0.5  # AdamW learning rates were tuned at model_dim 768
    fused = dict(fused=True) if next(model.parameters()).is_cuda and int(torch.__version__.split(".")[0]) >= 2 else {}
    adamw = torch.optim.AdamW([
        dict(params=[model.wte.weight], lr=EMBEDDING_LR * scale),
        dict(params=[model.lm_head.weight], lr=UNEMBEDDING_LR * scale),
        dict(params=[model.resid_lambdas, model.x0_lambdas], lr=SCALAR_LR),
    ], betas=ADAM_BETAS, eps=1e-10, weight_decay=0.0, **fused)
    muon = Muon(matrices, lr=MATRIX_LR, momentum=MUON_MOMENTUM, weight_decay=WEIGHT_DECAY)
    optimizers = [adamw, muon]
    for opt in optimizers:
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"]
    return optimizers


def get_lr_multiplier(progress):
    if progress < WARMUP_RATIO:
        return progress / WARMUP_RATIO
    if progress < 1.0 - WARMDOWN_RATIO:
        return 1.0
    cooldown = (1.0 - progress) / WARMDOWN_RATIO
    return cooldown + (1.0 - cooldown) * FINAL_LR_FRAC

# -----------------------------------------------------------------------------
# Peak dense bf16 tensor FLOP/s, for MFU (None: unknown device, MFU reported as 0)

PEAK_BF16_FLOPS = [  # (substring of the device name, FLOP/s), first match wins
    ("H100 NVL", 835e12), ("H100 PCIe", 756e12), ("H100", 989e12), ("H200", 989e12), ("H800", 989e12),
    ("B200", 2250e12), ("A100", 312e12), ("A800", 312e12), ("L40S", 362e12), ("L40", 181e12), ("L4", 121e12),
    ("RTX 4090", 165e12), ("RTX 3090", 71e12), ("MI300X", 1307e12),
]


def peak_flops(device):
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((flops for key, flops in PEAK_BF16_FLOPS if key in name), None)

# -----------------------------------------------------------------------------
# Training

if __name__ == "__main__":
    t_start = time.time()
    torch.manual_seed(SEED)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    autocast_ctx = torch.autocast(device_type="cuda", dtype=torch.bfloat16) if device.type == "cuda" else contextlib.nullcontext()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    tokenizer = Tokenizer.from_directory()  # exits with a clear message if prepare.py has not run
    train_loader = make_dataloader(tokenizer, DEVICE_BATCH_SIZE, MAX_SEQ_LEN, "train", device=device, seed=SEED)
    x, y, epoch = next(train_loader)
    print(f"Data and tokenizer loaded in {time.time() - t_start:.1f}s (vocab {tokenizer.get_vocab_size()})")

    # Model
    model_dim = -(-DEPTH * ASPECT_RATIO // HEAD_DIM) * HEAD_DIM
    config = GPTConfig(sequence_len=MAX_SEQ_LEN, vocab_size=tokenizer.get_vocab_size(),
                       n_layer=DEPTH, n_head=model_dim // HEAD_DIM, n_embd=model_dim)
    model = GPT(config).to(device)
    model.init_weights()
    num_params = sum(p.numel() for p in model.parameters())
    flops_per_token = model.flops_per_token()
    optimizers = build_optimizers(model, model_dim)
    # CROSSFORK_COMPILE=1 compiles on any device (the CPU tests of the PyTorch 2 path), 0 never; default: CUDA only
    compile_env = os.environ.get("CROSSFORK_COMPILE", "")
    use_compile = hasattr(torch, "compile") and (compile_env == "1" or (compile_env != "0" and device.type == "cuda"))
    train_model = torch.compile(model, dynamic=False) if use_compile else model
    tokens_per_fwdbwd = DEVICE_BATCH_SIZE * MAX_SEQ_LEN
    assert TOTAL_BATCH_SIZE % tokens_per_fwdbwd == 0, "TOTAL_BATCH_SIZE must be a multiple of DEVICE_BATCH_SIZE * MAX_SEQ_LEN"
    grad_accum_steps = TOTAL_BATCH_SIZE // tokens_per_fwdbwd
    print(f"Model: depth {DEPTH}, dim {model_dim}, {config.n_head} heads, {num_params / 1e6:.1f}M parameters")
    print(f"Device: {device} ({torch.cuda.get_device_name(device) if device.type == 'cuda' else 'fp32'}), "
          f"torch {torch.__version__}, compile {use_compile}, fused attention {HAS_SDPA}")
    print(f"Time budget: {TIME_BUDGET:g}s, {grad_accum_steps} gradient accumulation steps")

    # Loop: step until TIME_BUDGET seconds of training (the first steps, compilation, are not counted)
    peak = peak_flops(device)
    gc.collect()
    gc.freeze()
    gc.disable()
    step, total_training_time, smooth_loss, total_tokens = 0, 0.0, 0.0, 0
    while True:
        sync()
        t0 = time.time()
        # forward/backward with gradient accumulation
        for _ in range(grad_accum_steps):
            with autocast_ctx:
                loss = train_model(x, y)
            (loss / grad_accum_steps).backward()
            x, y, epoch = next(train_loader)
        # schedules: learning rates by time progress, Muon momentum by step
        progress = min(total_training_time / TIME_BUDGET, 1.0)
        lrm = get_lr_multiplier(progress)
        for opt in optimizers:
            for group in opt.param_groups:
                group["lr"] = group["initial_lr"] * lrm
        frac = min(step / MUON_MOMENTUM_WARMUP, 1.0)
        optimizers[1].param_groups[0]["momentum"] = (1 - frac) * 0.85 + frac * MUON_MOMENTUM
        for opt in optimizers:
            opt.step()
        model.zero_grad(set_to_none=True)
        train_loss = loss.item()  # also waits for the step
        sync()
        dt = time.time() - t0

        # bookkeeping, logging, stopping
        if not math.isfinite(train_loss) or train_loss > 100:
            print(f"FAIL: loss {train_loss} at step {step}")
            sys.exit(1)
        step += 1
        total_tokens += TOTAL_BATCH_SIZE
        if step > 10:
            total_training_time += dt
        smooth_loss = 0.9 * smooth_loss + 0.1 * train_loss
        debiased = smooth_loss / (1 - 0.9**step)
        mfu = 100 * flops_per_token * TOTAL_BATCH_SIZE / dt / peak if peak else 0.0
        remaining = max(0.0, TIME_BUDGET - total_training_time)
        if step % 10 == 0 or step <= 3:
            print(f"step {step:05d} ({100 * progress:.1f}%) | loss {debiased:.4f} | lrm {lrm:.2f} | "
                  f"dt {dt * 1000:.0f}ms | tok/s {TOTAL_BATCH_SIZE / dt:,.0f} | mfu {mfu:.1f}% | epoch {epoch} | "
                  f"remaining {remaining:.0f}s", flush=True)
        if step > 10 and total_training_time >= TIME_BUDGET:
            break
    gc.enable()

    # Evaluation
    model.eval()
    with autocast_ctx:
        val_bpb = evaluate_bpb(model, tokenizer, EVAL_BATCH_SIZE)
    t_end = time.time()
    timed_steps = max(step - 10, 1)
    mfu = 100 * flops_per_token * TOTAL_BATCH_SIZE * timed_steps / total_training_time / peak if peak and total_training_time else 0.0
    peak_vram_mb = torch.cuda.max_memory_allocated() / 1024 / 1024 if device.type == "cuda" else 0.0
    print("---")
    print(f"val_bpb:          {val_bpb:.6f}")
    print(f"training_seconds: {total_training_time:.1f}")
    print(f"total_seconds:    {t_end - t_start:.1f}")
    print(f"peak_vram_mb:     {peak_vram_mb:.1f}")
    print(f"mfu_percent:      {mfu:.2f}")
    print(f"total_tokens_M:   {total_tokens / 1e6:.1f}")
    print(f"num_steps:        {step}")
    print(f"num_params_M:     {num_params / 1e6:.1f}")
    print(f"depth:            {DEPTH}")
