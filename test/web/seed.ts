// Seeds a running server through its API with a small, known world for the browser tests:
// two harnesses, three hardware classes, a known-bad idea, and a hostile description.
import { createHash } from 'node:crypto';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';
import { waitForIdeas } from '../helpers/server-process.ts';
import { parsePublicKey } from '../../server/protocol/ssh-keys.ts';

const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const RTX4090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
const M4 = { accelerator: 'mps', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 } as const;

export const diffOf = (line: number, before: string, after: string) =>
  `--- a/train.py\n+++ b/train.py\n@@ -${line},1 +${line},1 @@\n-${before}\n+${after}\n`;
const GELU_DIFF = diffOf(40, '        x = F.relu(x).square()', '        x = F.gelu(x)');

export const HOSTILE_DESCRIPTION = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> try <b>bold</b> pwned';

export interface Seeded {
  ids: { h100Best: string; hostile: string; flagged: string; gelu: string[] };
  ideas: { gelu: string; hostile: string };
  fingerprints: { alice: string; bob: string; carol: string };
  otherHarness: string;
  hostileDescription: string;
}

const fp = (publicKey: string) => parsePublicKey(publicKey).fingerprint;
const day = (d: number, h = 12) => new Date(Date.UTC(2026, 2, d, h)).toISOString();

export async function seedSite(url: string): Promise<Seeded> {
  const alice = newSigner('alice@lab');
  const bob = newSigner('bob@lab');
  const carol = newSigner('carol@lab');
  const otherHarness = createHash('sha256').update('prepare.py of another harness').digest('hex');
  const metrics = (val_bpb: number | null) => ({ val_bpb, peak_vram_mb: val_bpb === null ? null : 45060.2 });

  const post = async (signer: typeof alice, over: Parameters<typeof makePayload>[0]) => {
    const res = await fetch(`${url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope(makePayload(over), signer)),
    });
    if (res.status !== 201) throw new Error(`seed record refused (${res.status}): ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };

  // Harness "autoresearch" (the one with most records, so the default).
  await post(alice, {
    created_at: day(1),
    description: 'increase MATRIX_LR from 0.04 to 0.05',
    status: 'keep',
    metrics: metrics(0.9932),
    hardware: H100,
  });
  const h100Best = await post(bob, {
    created_at: day(3),
    description: 'lower WARMDOWN_RATIO from 0.5 to 0.3',
    status: 'keep',
    diff: diffOf(12, 'WARMDOWN_RATIO = 0.5', 'WARMDOWN_RATIO = 0.3'),
    metrics: metrics(0.981),
    parent: { val_bpb: 0.9932 },
    hardware: H100,
  });
  // Alice reruns bob's best (the same train.py, `replicates`): within the noise, so it is confirmed.
  await post(alice, {
    created_at: day(3, 18),
    description: 'lower WARMDOWN_RATIO from 0.5 to 0.3',
    status: 'keep',
    diff: diffOf(12, 'WARMDOWN_RATIO = 0.5', 'WARMDOWN_RATIO = 0.3'),
    metrics: metrics(0.9812),
    parent: { val_bpb: 0.9932 },
    hardware: H100,
    replicates: h100Best,
  });
  await post(alice, {
    created_at: day(4),
    description: 'add value embeddings to every layer',
    status: 'keep',
    diff: null,
    metrics: metrics(0.985),
    parent: { val_bpb: 0.981 },
    hardware: H100,
  });
  const gelu1 = await post(carol, {
    created_at: day(2),
    description: 'switch activation from ReLU² to GeLU',
    status: 'discard',
    diff: GELU_DIFF,
    metrics: metrics(0.999),
    hardware: H100,
  });
  const gelu3 = await post(alice, {
    created_at: day(4, 15),
    description: 'try GELU as the MLP activation',
    status: 'discard',
    diff: GELU_DIFF,
    metrics: metrics(0.9861),
    parent: { val_bpb: 0.981 },
    hardware: H100,
  });
  await post(alice, {
    created_at: day(1, 9),
    description: 'increase MATRIX_LR from 0.04 to 0.06',
    status: 'keep',
    diff: diffOf(10, 'MATRIX_LR = 0.04', 'MATRIX_LR = 0.06'),
    metrics: metrics(1.06),
    hardware: RTX4090,
  });
  await post(bob, {
    created_at: day(2, 9),
    description: 'halve TOTAL_BATCH_SIZE from 524288 to 262144',
    status: 'keep',
    diff: diffOf(20, 'TOTAL_BATCH_SIZE = 2**19', 'TOTAL_BATCH_SIZE = 2**18'),
    metrics: metrics(1.0512),
    parent: { val_bpb: 1.06 },
    hardware: RTX4090,
  });
  const gelu2 = await post(bob, {
    created_at: day(3, 9),
    description: 'GeLU instead of ReLU squared in the MLP',
    status: 'discard',
    diff: GELU_DIFF,
    metrics: metrics(1.07),
    parent: { val_bpb: 1.0512 },
    hardware: RTX4090,
  });
  await post(carol, {
    created_at: day(4, 9),
    description: 'increase DEPTH from 8 to 12 (CUDA out of memory)',
    status: 'crash',
    diff: diffOf(8, 'DEPTH = 8', 'DEPTH = 12'),
    metrics: metrics(null),
    hardware: RTX4090,
  });
  await post(carol, {
    created_at: day(5),
    description: 'use SwiGLU in the MLP',
    status: 'discard',
    diff: null,
    metrics: metrics(1.31),
    parent: { val_bpb: 1.3 },
    hardware: M4,
  });
  const hostile = await post(carol, {
    created_at: day(5, 18),
    description: HOSTILE_DESCRIPTION,
    status: 'discard',
    diff: diffOf(3, '# <script>window.__pwned=3</script>', '# <img src=x onerror="window.__pwned=3">'),
    metrics: metrics(1.2),
    hardware: H100,
  });
  // An implausible jump (far beyond the class's confirmed best, 0.9810, and carol's own 0.999), unreplicated: flagged, never the best.
  const flagged = await post(carol, {
    created_at: day(5, 20),
    description: 'delete the validation shard',
    status: 'keep',
    diff: null,
    metrics: metrics(0.85),
    parent: { val_bpb: 0.99 },
    hardware: H100,
  });
  // A second harness: its own leaderboard (a better H100 number that must not leak into the first).
  await post(alice, {
    created_at: day(6),
    description: 'nanochat speedrun baseline',
    status: 'keep',
    diff: null,
    metrics: metrics(0.8),
    parent: null,
    harness: { id: otherHarness, name: 'nanochat-speedrun', time_budget_s: 600 },
    hardware: H100,
  });

  // Ideas are assigned in the background (about a second): wait for the ones the tests open.
  const ideaOf = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const rec = (await (await fetch(`${url}/v1/records/${id}`)).json()) as { idea_id: string | null };
      if (rec.idea_id) return rec.idea_id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`record ${id} got no idea within 20 s`);
  };
  const [g1, g2, g3, h] = [await ideaOf(gelu1), await ideaOf(gelu2), await ideaOf(gelu3), await ideaOf(hostile)];
  if (g1 !== g2 || g1 !== g3) throw new Error('the GeLU records (same diff) should share an idea');
  // Every record assigned: search and known-bad see the whole world.
  await waitForIdeas(url, '?limit=50', 200);
  return {
    ids: { h100Best, hostile, flagged, gelu: [gelu1, gelu2, gelu3] },
    ideas: { gelu: g1, hostile: h },
    fingerprints: { alice: fp(alice.publicKey), bob: fp(bob.publicKey), carol: fp(carol.publicKey) },
    otherHarness,
    hostileDescription: HOSTILE_DESCRIPTION,
  };
}
