// fromProse, through understand(), on phrasing families it once misread: values after "to N" and
// among a paraphrase's words, off/on particles, "A instead of B", quantities of the run, choices
// written as codes, layer counts that say where, settings in parentheses, NorMuon's variance
// reduction and settings that qualify their schedule. Each family lists readings that must stay as
// they were, too. Baselines: baseline.test.ts.
import { describe, expect, it } from 'vitest';
import { changesOf, touched } from '../../helpers/readings.ts';

const FAMILIES: Record<string, [string, string[]][]> = {
  'values after "to N", spelled numbers, and values among a paraphrase\'s words': [
    // "up to", "back down to": which way the value goes, then the value (the BobMolt fork's own wording).
    ['increase matrix lr up to 0.04', ['MATRIX_LR raise >0.04']],
    ['bump matrix lr back up to 0.04', ['MATRIX_LR raise >0.04']],
    ['lower the matrix lr back down to 0.02', ['MATRIX_LR lower >0.02']],
    ['send every token to two experts', ['MOE_TOP_K set >2']],
    ['each token is routed to 4 experts', ['MOE_TOP_K set >4']],
    ['each token activates 2 experts', ['MOE_TOP_K set >2']],
    ['top-2 routing', ['MOE_TOP_K set >2']],
    ['three experts per token', ['MOE_TOP_K set >3']],
    ['set weight decay to zero', ['WEIGHT_DECAY set >0']],
    ['dropout to zero', ['DROPOUT set >0']],
    ['the embedding lr to zero', ['EMBEDDING_LR set >0']],
    ['cut the warmup to zero', ['WARMUP_RATIO lower >0']],
    ['clip gradients to a max norm of one', ['GRAD_CLIP set >1']],
    ['reduce the kv heads to two', ['N_KV_HEAD lower >2']],
    ['spend a larger share of the run annealing the rate to zero at the end', ['WARMDOWN_RATIO raise']], // "to zero" is where it goes, no value
    // Unchanged: a spelled number that is no value, counted choices, numbers inside words.
    ['route each token to one of several MLPs', ['MOE enable']],
    ['one matrix for token in and token out', ['TIED_EMBEDDINGS enable']],
    ['use two full attention layers', []],
    ['drop weight decay to 0', ['WEIGHT_DECAY disable']],
    ['raise the step size used for the 2-D hidden matrices', ['MATRIX_LR raise']],
  ],
  'off / on particles and removal phrases': [
    ['is gradient clipping worth turning off?', ['GRAD_CLIP disable']],
    ['switch the value embeddings off', ['VALUE_EMBEDS disable']],
    ['weight decay switched off completely', ['WEIGHT_DECAY disable']],
    ['the QK norm gets switched off for the last run', ['QK_NORM disable']],
    ['train with rotary embeddings turned off', ['ROPE disable']],
    ['QK norm: off', ['QK_NORM disable']],
    ['what if z-loss is turned on', ['Z_LOSS enable']],
    ['shut off the logit softcap', ['SOFTCAP disable']],
    ['rip out the value embeddings', ['VALUE_EMBEDS disable']],
    ['take value embeddings out', ['VALUE_EMBEDS disable']],
    ['leave the x0 residual out', ['X0_RESIDUAL disable']],
    ['get rid of the warmup', ['WARMUP_RATIO disable']],
    ['stop using value embeddings', ['VALUE_EMBEDS disable']],
    ['no longer tie the embeddings', ['TIED_EMBEDDINGS disable']],
    // Unchanged.
    ['turn on FP8', ['FP8 enable']],
    ['turn off FP8', ['FP8 disable']],
    ['QK norm: on', ['QK_NORM enable']],
    ['switch to FlexAttention', ['ATTN_KERNEL set >flex']],
    ['extra embedding tables mixed into attention values', ['VALUE_EMBEDS enable']],
    ['add z-loss', ['Z_LOSS enable']],
    ['no QK norm', ['QK_NORM disable']],
    ['XSA on all layers', ['XSA enable']],
  ],
  '"A instead of B", "A rather than B", "A, not B"': [
    ['a head dim of 128 instead of 64', ['HEAD_DIM raise 64>128']],
    ['an MLP ratio of 3 rather than 4', ['MLP_RATIO lower 4>3']],
    ['14 layers instead of 12', ['DEPTH raise 12>14']],
    ['depth of 10, not 8', ['DEPTH raise 8>10']],
    ['use a batch of 2^17 tokens instead of 2^19', ['TOTAL_BATCH_SIZE lower 524288>131072']],
    ['warmdown ratio of 0.5 rather than 0.3', ['WARMDOWN_RATIO raise 0.3>0.5']],
    ['set the softcap to 20 instead of 15', ['SOFTCAP raise 15>20']],
    ['matrix lr 0.05 rather than 0.04', ['MATRIX_LR raise 0.04>0.05']],
    // Unchanged: choices, and values that were already pairs.
    ['SwiGLU rather than ReLU²', ['ACTIVATION replace relu2>swiglu']],
    ['cosine decay instead of linear', ['WARMDOWN_SHAPE replace linear>cosine']],
    ['n_layer 8 -> 12', ['DEPTH raise 8>12']],
    ['12 layers', ['DEPTH set >12']],
  ],
  "quantities of the run, and a concept's own direction words": [
    ['devote a larger fraction of the steps to warmup', ['WARMUP_RATIO raise']],
    ['spend less of training in the cooldown', ['WARMDOWN_RATIO lower']],
    ['a smaller portion of the run for the lr warmdown', ['WARMDOWN_RATIO lower']],
    ['a longer share of the budget spent in the warmdown', ['WARMDOWN_RATIO raise']],
    ['spend a bigger fraction of training warming up', ['WARMUP_RATIO raise']],
    ['less of the schedule in warmup', ['WARMUP_RATIO lower']],
    ['more time at the peak learning rate', ['WARMDOWN_RATIO lower']],
    ['shorter time at peak lr', ['WARMDOWN_RATIO raise']],
    ['more of the run at peak LR', ['WARMDOWN_RATIO lower']],
    ['start the warmdown later', ['WARMDOWN_RATIO lower']],
    ['cheaper newton-schulz iterations', ['NS_STEPS lower']],
    ['drop the attention sublayer in alternate blocks', ['MLP_ONLY_LAYERS enable']],
    // Unchanged: direct verbs, and a budget that is changed itself.
    ['more warmup steps', ['WARMUP_ITERS raise']],
    ['shorter warmup', ['WARMUP_RATIO lower']],
    ['longer cooldown at the end of training', ['WARMDOWN_RATIO raise']],
    ['double the time budget', ['TIME_BUDGET raise']],
    ['untie the embedding and the classifier', ['TIED_EMBEDDINGS disable']],
  ],
  'choices written as bare codes beside their slot': [
    ['set the window pattern to S', ['WINDOW_PATTERN set >s']],
    ['window pattern L', ['WINDOW_PATTERN set >l']],
    ['window pattern: SL', ['WINDOW_PATTERN set >sl']],
    ['use pattern SSLL', ['WINDOW_PATTERN set >ssll']],
    ['window pattern SSSL to L', ['WINDOW_PATTERN replace sssl>l']],
    ['SSSL → S', ['WINDOW_PATTERN replace sssl>s']],
    ['L → SSSL', ['WINDOW_PATTERN replace l>sssl']],
    // Unchanged: a letter that is no code, codes already read.
    ["the pattern's effect on speed", []],
    ['window size 256', ['SHORT_WINDOW set >256']],
    ['WINDOW_PATTERN SSSL -> L', ['WINDOW_PATTERN replace sssl>l']],
    ['switch window pattern from SSSL to SSLL', ['WINDOW_PATTERN replace sssl>ssll']],
  ],
  'layer counts that say where another change applies': [
    ['apply QK norm to the first 2 layers', ['QK_NORM enable']],
    ['value embeddings on 4 of the 8 layers', ['VALUE_EMBEDS enable']],
    ['XSA across all 12 layers', ['XSA enable']],
    ['partial RoPE in the top 3 layers', ['PARTIAL_ROPE enable']],
    ['add XSA to two more layers', ['XSA enable']],
    ['apply rope to 4 of the 12 layers', ['ROPE enable']],
    ['sliding windows in 6/8 layers', []],
    ['remove attention in alternate layers so they are MLP only', ['MLP_ONLY_LAYERS enable']],
    ['two extra layers', ['DEPTH raise']], // a count that is the depth, read by its own words ("extra layers")
    // Unchanged: counts that are the depth.
    ['go to 14 layers', ['DEPTH set >14']],
    ['use 10 layers', ['DEPTH set >10']],
    ['increase depth to 16 layers', ['DEPTH raise >16']],
    ['12 layers with value embeddings on 4 layers', ['DEPTH set >12']],
    ['SWA over 150 warmdown steps', ['SWA enable', 'WARMDOWN_ITERS set >150']],
  ],
  'settings in the parenthesis after a name': [
    ['z-loss (weight=1e-4)', ['Z_LOSS enable']],
    ['embedding weight decay (wte=0.01, head=0.001)', ['EMBEDDING_WEIGHT_DECAY enable']],
    ['EMA of the weights (beta=0.999, start=100)', ['EMA enable', 'EMA_DECAY set >0.999']],
    ['EMA (decay=0.999, warmup=100)', ['EMA enable', 'EMA_DECAY set >0.999']],
    ['QK norm (eps=1e-6)', ['QK_NORM enable']],
    ['GQA (n_kv_head=2)', ['GQA enable', 'N_KV_HEAD set >2']],
    // Unchanged: a name written alone is its own change; an aside with a value pair counts.
    ['lm_head=0.01', ['LM_HEAD set >0.01']],
    ['GQA with n_kv_head=2', ['GQA enable', 'N_KV_HEAD set >2']],
    ['add gradient clipping (max norm 1.0)', ['GRAD_CLIP set >1']],
  ],
  "NorMuon's variance reduction and its β2": [
    ['turn off the NorMuon variance normalization', ['NORMUON_VARIANCE disable']],
    ['NorMuon without variance reduction', ['NORMUON_VARIANCE disable']],
    ['no variance reduction in muon', ['NORMUON_VARIANCE disable']],
    ["remove muon's second-moment normalization", ['NORMUON_VARIANCE disable']],
    ['faster variance adaptation in the orthogonalized optimizer', ['MUON_BETA2 lower']], // its own words: "faster adaptation"
    // Unchanged: the decay of the second moment stays MUON_BETA2.
    ['normuon beta2 0.95 -> 0.99', ['MUON_BETA2 raise 0.95>0.99']],
    ['Muon beta2 0.95->0.9', ['MUON_BETA2 lower 0.95>0.9']],
  ],
  'a setting that qualifies its schedule': [
    ['hold weight decay fixed rather than ramping it to zero', ['WEIGHT_DECAY_SCHEDULE set >constant']],
    ['constant weight decay rather than linear decay to zero', ['WEIGHT_DECAY_SCHEDULE set >constant']],
    ['trapezoidal LR schedule with a linear ramp down at the end', ['WARMDOWN_SHAPE set >wsd']],
    ['WSD schedule with a cosine cooldown', ['WARMDOWN_SHAPE set >wsd']],
    ['no attention in half of the layers', ['MLP_ONLY_LAYERS enable']],
    // Unchanged.
    ['switch from linear to cosine warmdown', ['WARMDOWN_SHAPE replace linear>cosine']],
    ['replace SwiGLU with squared ReLU', ['ACTIVATION replace swiglu>relu2']],
    ['keep weight decay constant', ['WEIGHT_DECAY_SCHEDULE set >constant']],
  ],
  'the LR schedule said by what stops, and one switch replacing another': [
    ['no longer anneal the LR to zero', ['FINAL_LR_FRAC raise']], // read as a warm-down raise too
    ['stop decaying the LR', ['WARMDOWN_RATIO disable']], // read as the LR switched off
    ["don't decay the learning rate at all", ['WARMDOWN_RATIO disable']],
    ['bf16 -> fp8', ['FP8 enable']], // read as two switches turned on
    ['switch from fp16 to bf16', ['BF16 enable']],
    // Unchanged.
    ['Stop decaying the LR to zero; end at 10% of peak', ['FINAL_LR_FRAC raise 0>0.1']],
    ['stop decaying the learning rate to zero', ['FINAL_LR_FRAC raise']],
    ['taper the learning rate toward zero over the last 30% of the run', ['WARMDOWN_RATIO set >0.3']],
    ['decay the LR over a longer tail', ['WARMDOWN_RATIO raise']],
    ['fp8 and bf16', ['BF16 enable', 'FP8 enable']],
  ],
  // The RTX 5070 fork discarded "HEAD_DIM 128→64 (6 heads→12 heads)"; an agent asks for heads of a size.
  'heads of a size: the head dimension, not the model width or the head count': [
    ['use 12 heads of dim 64', ['HEAD_DIM set >64']],
    ['12 attention heads of dim 64', ['HEAD_DIM set >64']],
    ['heads of size 128', ['HEAD_DIM set >128']],
    // Unchanged.
    ['HEAD_DIM 128→64 (6 heads→12 heads)', ['HEAD_DIM lower 128>64']],
    ['attention heads 6 -> 12', ['N_HEAD raise 6>12']],
    ['16 heads', ['N_HEAD set >16']],
  ],
};

describe('understand on phrasing families', () => {
  for (const [family, cases] of Object.entries(FAMILIES))
    describe(family, () => {
      it.each(cases)('%s', (description, expected) => expect(changesOf(description)).toEqual([...expected].sort()));
    });

  it('leaves no trace of a count that only says where, nor of settings that are not parameters', () => {
    for (const d of [
      'add XSA to the last 3 layers',
      'XSA on all 9 layers',
      'value embeddings on 3 layers',
      '9/12 layers use sliding windows',
      'add XSA to two more layers',
    ])
      expect(touched(d), d).not.toContain('DEPTH');
    expect(touched('embedding weight decay (wte=0.001 lm_head=0.01)')).toEqual(['EMBEDDING_WEIGHT_DECAY']);
    expect(touched('QK norm (eps=1e-6)')).not.toContain('ADAM_EPS');
    expect(touched('give more of the budget to warmup')).not.toContain('TIME_BUDGET');
    expect(touched('less time at peak LR')).toEqual(['WARMDOWN_RATIO']);
    expect(touched("without NorMuon's per-neuron second-moment scaling")).toEqual(['NORMUON_VARIANCE']);
  });
});
