// Asks an OpenAI-compatible chat model for the next experiment, shown train.py, the results so
// far, the best result on this hardware, what others kept here (suggestions) and what is known not
// to work; retries with the reason when an answer is refused.
import OpenAI from 'openai';
import { applyEdits, parseProposal, ProposalError, type Proposal } from './edits.ts';

export interface ProposerOptions {
  baseURL?: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
}

export interface ProposalContext {
  trainPy: string;
  /** results.tsv so far (the agent's own history). */
  results: string;
  knownBad: string | null;
  /** What the shared evidence suggests trying next here (GET /v1/suggestions), as numbered lines (none worse beyond noise). */
  suggestions?: string | null;
  best: string | null;
  /** Reasons earlier answers were refused (parse errors, checks that said known_bad), newest last. */
  refusals: string[];
}

export interface Proposed extends Proposal {
  source: string;
}

const SYSTEM = `You are an autoresearch agent improving a GPT training script, train.py, under a fixed time budget.
The goal is the lowest val_bpb. Propose ONE small, testable change per answer.
Answer with a JSON object only, no prose:
{"description": "<one line: what you change and why>", "edits": [{"search": "<exact text of train.py>", "replace": "<its replacement>"}]}
Each "search" must be copied exactly from train.py and occur exactly once. Only train.py may change.`;

export class Proposer {
  private readonly client: OpenAI;

  constructor(private readonly opts: ProposerOptions) {
    this.client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey || 'none', timeout: opts.timeoutMs ?? 120_000, maxRetries: 2 });
  }

  /** One round trip: the validated proposal with its edits applied, or a ProposalError. */
  async propose(ctx: ProposalContext): Promise<Proposed> {
    const user = [
      `train.py:\n\`\`\`python\n${ctx.trainPy}\n\`\`\``,
      `results.tsv so far:\n${ctx.results.trim() || '(none)'}`,
      ctx.best ? `Best result on this hardware class (all participants): ${ctx.best}` : '',
      ctx.suggestions
        ? `Kept by others and not yet tried in this fork (none worse beyond noise on hardware like this, none this fork failed at a nearby value; each line says where it was kept and its effect; adapt to train.py as it is now):\n${ctx.suggestions}`
        : '',
      ctx.knownBad ? `Known not to work here (do not propose these):\n${ctx.knownBad}` : '',
      ctx.refusals.length
        ? `Your earlier answers were refused:\n${ctx.refusals.map((r) => `- ${r}`).join('\n')}\nPropose something else.`
        : '',
    ]
      .filter(Boolean)
      .join('\n\n');
    const res = await this.client.chat.completions.create({
      model: this.opts.model,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: user },
      ],
      response_format: { type: 'json_object' },
      temperature: 0.7,
    });
    const content = res.choices[0]?.message?.content;
    if (!content) throw new ProposalError('the model answered with no content');
    const proposal = parseProposal(content);
    return { ...proposal, source: applyEdits(ctx.trainPy, proposal.edits) };
  }
}

export { ProposalError };
