// fromDiff: a diff's assignments as catalogue changes, then the switches and choices its code adds
// or removes (an activation swapped in code is a replaced choice).
import { describe, expect, it } from 'vitest';
import { ChangeSet } from '../../../server/catalogue/change-set.ts';
import { fromDiff } from '../../../server/catalogue/from-diff.ts';
import { understand } from '../../../server/catalogue/understand.ts';
import { ideaFeatures } from '../../../server/services/ideas/features.ts';

const read = (diff: string) => {
  const set = new ChangeSet();
  fromDiff(diff, set);
  return set.list();
};

describe('fromDiff', () => {
  it('reads assignments, tuple items by their own names', () => {
    const diff = '@@ -1,2 +1,2 @@\n-MATRIX_LR = 0.04\n+MATRIX_LR = 0.06\n-ADAM_BETAS = (0.8, 0.95)\n+ADAM_BETAS = (0.9, 0.95)\n';
    expect(read(diff)).toEqual([
      { concept: 'ADAM_BETA1', action: 'raise', from: '0.8', to: '0.9' },
      { concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.06' },
      { concept: 'ADAM_BETAS', action: 'mention', from: null, to: null },
    ]);
  });

  it('reads a choice swapped in code', () => {
    expect(read('@@ -1 +1 @@\n-x = F.relu(x).square()\n+x = F.silu(x)\n')).toEqual([
      { concept: 'ACTIVATION', action: 'replace', from: 'relu2', to: 'silu' },
    ]);
  });

  it('reads knobs that new code only uses as context (the DeltaNet record of the RTX 5070 fork)', () => {
    const diff = [
      '@@ -1,2 +1,5 @@',
      '+from fla.layers import GatedDeltaNet',
      '+        self.attn = GatedDeltaNet(hidden_size=config.n_embd, num_heads=config.n_head)',
      '+    dict(kind="adamw", params=h_params, lr=matrix_lr * dmodel_lr_scale, betas=adam_betas, eps=1e-10, weight_decay=0.0),',
      '',
    ].join('\n');
    const changes = read(diff);
    expect(changes.filter((c) => c.action !== 'mention')).toEqual([
      { concept: 'LINEAR_ATTENTION', action: 'enable', from: null, to: null },
    ]);
    expect(changes.map((c) => c.concept)).toEqual(expect.arrayContaining(['MATRIX_LR', 'ADAM_BETAS', 'WEIGHT_DECAY', 'LR_DIM_SCALE']));
  });

  it('reads a switch passed along as a value as context, a removed call as a change', () => {
    const passed = '@@ -1 +1 @@\n-    c = _autotune_train_candidate(runtime, tokenizer, vocab_size, cands)\n+    c = FORCED\n';
    expect(read(passed).every((c) => c.action === 'mention')).toBe(true);
    expect(read('@@ -1,2 +1 @@\n-    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n')).toEqual([
      { concept: 'GRAD_CLIP', action: 'disable', from: null, to: null },
    ]);
  });

  it('reads what new code calls or says in its strings and docstrings', () => {
    expect(read('@@ -1 +1,2 @@\n+    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n')).toEqual([
      { concept: 'GRAD_CLIP', action: 'enable', from: null, to: null },
    ]);
    expect(read('@@ -1 +1,2 @@\n+    """Top-1 sparse MoE: 4 smaller experts"""\n')).toEqual([
      { concept: 'MOE', action: 'enable', from: null, to: null },
    ]);
    expect(read('@@ -1 +1 @@\n+    model = torch.compile(model, mode="reduce-overhead")\n').map((c) => `${c.action} ${c.concept}`)).toEqual(
      ['enable COMPILE', 'enable CUDA_GRAPHS'],
    );
  });

  it('reads the set-up of a new module as part of it: its init calls change no initialisation setting', () => {
    const diff = [
      '@@ -80,0 +80,3 @@',
      '+        self.value_emb = nn.Embedding(config.vocab_size, config.n_embd)',
      '+        torch.nn.init.normal_(self.value_emb.weight, mean=0.0, std=0.02)',
      '+        torch.nn.init.zeros_(self.value_proj.weight)',
      '',
    ].join('\n');
    expect(read(diff).filter((c) => c.action !== 'mention')).toEqual([]);
    expect(read(diff).map((c) => c.concept)).toEqual(expect.arrayContaining(['INIT_SCALE', 'ZERO_INIT']));
  });

  it('reads a keyword value moved inside a parameter group as that knob, not as a mention of another', () => {
    const group = (beta2: string) =>
      `    param_groups.append(dict(kind='muon', params=group_params, lr=matrix_lr, momentum=0.95, beta2=${beta2}, weight_decay=weight_decay))`;
    expect(read(`@@ -1 +1 @@\n-${group('0.95')}\n+${group('0.9')}\n`)).toEqual([
      { concept: 'MUON_BETA2', action: 'lower', from: '0.95', to: '0.9' },
    ]);
  });

  it('reads a keyword of a call spread over lines as the knob the words name (the RTX 5070 fork, exp31)', () => {
    const diff = [
      '@@ -556,7 +556,7 @@ class GPT(nn.Module):',
      '                         lr=matrix_lr,',
      '                         momentum=0.95,',
      '                         ns_steps=5,',
      '-                        beta2=0.95,',
      '+                        beta2=0.9,',
      '                         weight_decay=weight_decay,',
      '',
    ].join('\n');
    const lower = { action: 'lower', from: '0.95', to: '0.9' };
    expect(read(diff)).toEqual([{ concept: 'ADAM_BETA2', ...lower }]);
    const u = (description: string) => understand({ description, diff }).changes;
    expect(u('Muon beta2 0.95→0.9 (hypothesis: faster variance adaptation improves convergence)')).toEqual([
      { concept: 'MUON_BETA2', ...lower },
    ]);
    expect(u('tune NorMuon beta2')).toEqual([{ concept: 'MUON_BETA2', ...lower }]);
    expect(u('lower beta2')).toEqual([{ concept: 'ADAM_BETA2', ...lower }]);
    expect(ideaFeatures({ description: 'Muon beta2 0.95→0.9', diff }).paramKey).toBe('MUON_BETA2:lower:0.95>0.9');
  });

  it("reads a knob's code name quoted in a message as context (the RTX 5070 fork's MXFP8 record)", () => {
    expect(read('@@ -1 +1,2 @@\n+    print(f"MXFP8 recipe block_size=32 enabled")\n')).toEqual([
      { concept: 'SEQ_LEN', action: 'mention', from: null, to: null },
    ]);
  });

  it('offers nothing for an empty diff or unrelated code', () => {
    expect(read('')).toEqual([]);
    expect(read('@@ -1 +1 @@\n-print("a")\n+print("b")\n')).toEqual([]);
  });
});
