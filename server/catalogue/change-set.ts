// One change per concept, as understand() collects them: the types of the interface, the
// set that settles several readings of one concept, and describe.ts / diff.ts changes mapped in.
import type { ParamChange } from './param-change.ts';
import { CATALOGUE, CONCEPTS } from './catalogue.ts';

export type Action = 'raise' | 'lower' | 'set' | 'enable' | 'disable' | 'replace' | 'mention';
export interface Change {
  concept: string;
  action: Action;
  from: string | null;
  to: string | null;
}

/** The first informative reading wins (diff before prose); a bare mention gives way to any that says what happened. */
export class ChangeSet {
  private readonly byConcept = new Map<string, Change>();
  /** Switches a diff shows on before and after: edited, so no later reading may call them switched on or off. */
  private readonly held = new Set<string>();

  /** Changes a diff read from a bare keyword (`beta2=0.9,`), with the more specific concepts of that keyword the words may name instead. */
  private readonly narrowable = new Map<string, ReadonlySet<string>>();

  /** `narrowsTo`: the concepts this reading of a bare code keyword may stand for (qualifiedVariants). */
  offer(c: Change, narrowsTo?: ReadonlySet<string>) {
    if (this.held.has(c.concept) && (c.action === 'enable' || c.action === 'disable')) return;
    if (this.narrow(c)) return;
    if (narrowsTo?.size && !this.byConcept.has(c.concept)) this.narrowable.set(c.concept, narrowsTo);
    const prior = this.byConcept.get(c.concept);
    if (!prior || (prior.action === 'mention' && c.action !== 'mention')) this.byConcept.set(c.concept, c);
    else if (prior.action === c.action) Object.assign(prior, { from: prior.from ?? c.from, to: prior.to ?? c.to });
  }

  /**
   * The words name the concept a bare keyword of the diff stood for ("Muon beta2 0.95→0.9" where
   * the diff moved `beta2=0.95,` in a Muon group): the diff's change becomes that concept's, when
   * the words give no values or the same ones. True when it did.
   */
  private narrow(c: Change): boolean {
    for (const [plain, alternatives] of this.narrowable) {
      const p = this.byConcept.get(plain);
      if (!p || !alternatives.has(c.concept) || this.has(c.concept)) continue;
      const same = c.action === 'mention' || (c.action === p.action && c.to === p.to && (c.from === null || c.from === p.from));
      if (!same) continue;
      this.byConcept.delete(plain);
      this.narrowable.delete(plain);
      this.byConcept.set(c.concept, { ...p, concept: c.concept });
      return true;
    }
    return false;
  }

  /** A reading of the same choice that also says what it replaced ("cosine (replace linear)"). */
  refine(c: Change) {
    const prior = this.byConcept.get(c.concept);
    if (prior?.action === 'set' && c.action === 'replace' && (c.from === prior.to || c.to === prior.to)) this.byConcept.set(c.concept, c);
    else this.offer(c);
  }

  /** A switch the diff's code uses on both sides ("FP8 tensorwise recipe": FP8 calls before and after): a mention that words cannot turn into enable or disable. */
  hold(concept: string) {
    this.offer({ concept, action: 'mention', from: null, to: null });
    this.held.add(concept);
  }

  get(concept: string): Change | undefined {
    return this.byConcept.get(concept);
  }

  force(c: Change) {
    this.byConcept.set(c.concept, c);
  }

  has(concept: string) {
    const c = this.byConcept.get(concept);
    return c !== undefined && c.action !== 'mention';
  }

  list(): Change[] {
    const all = [...this.byConcept.values()];
    // A quantity derived from another that changed is a consequence, not a change of its own.
    return all.map((c) => {
      const sources = CONCEPTS.get(c.concept)?.derived_from ?? [];
      return c.action !== 'mention' && sources.some((s) => this.has(s)) ? { ...c, action: 'mention' as const, from: null, to: null } : c;
    });
  }
}

/** The catalogue concept a name from describe.ts or diff.ts stands for (an identifier, or itself). */
export function conceptOf(name: string): string {
  if (CONCEPTS.has(name)) return name;
  return IDENTIFIER_CONCEPT.get(name) ?? IDENTIFIER_CONCEPT.get(name.toLowerCase()) ?? name;
}

const IDENTIFIER_CONCEPT = new Map<string, string>();
for (const c of CATALOGUE.concepts)
  for (const id of c.identifiers) if (/^\w+$/.test(id) && !IDENTIFIER_CONCEPT.has(id)) IDENTIFIER_CONCEPT.set(id, c.id);

/** Knobs by the bare keyword their qualified code names end in (`muon_beta2` → `beta2`: MUON_BETA2). */
const BY_BARE_KEYWORD = new Map<string, Set<string>>();
for (const [id, concept] of IDENTIFIER_CONCEPT) {
  const m = /^[a-z]+_([a-z]\w*)$/i.exec(id);
  if (!m || CONCEPTS.get(concept)?.kind !== 'param') continue; // a knob stands for a knob
  const bare = m[1].toLowerCase();
  BY_BARE_KEYWORD.set(bare, (BY_BARE_KEYWORD.get(bare) ?? new Set()).add(concept));
}

/** The concepts a bare code keyword (`beta2`) may stand for besides `plain` (its own reading): those whose qualified names end in it. */
export function qualifiedVariants(keyword: string, plain: string): ReadonlySet<string> {
  const out = new Set(BY_BARE_KEYWORD.get(keyword.toLowerCase()) ?? []);
  out.delete(plain);
  return out;
}

/** What a diff's parameter change may stand for besides its own concept: the knobs the words may name for its bare keyword (none without one). */
export function standsFor(pc: ParamChange): ReadonlySet<string> {
  return pc.keyword ? qualifiedVariants(pc.keyword, conceptOf(pc.name)) : new Set();
}

/** A parameter change of describe.ts / diff.ts as a catalogue change. */
export function fromParamChange(pc: ParamChange, removed: boolean): Change {
  const concept = conceptOf(pc.name);
  const c = CONCEPTS.get(concept);
  const off = pc.to === 'off' || pc.to === 'false' || pc.to === 'none'; // "USE_FP8 = False"
  if (c?.kind === 'switch') return { concept, action: off || removed ? 'disable' : 'enable', from: null, to: null };
  if (removed) return { concept, action: 'disable', from: null, to: null };
  if (c?.choices && pc.to !== null && Number.isNaN(Number(pc.to)))
    return { concept, action: pc.from === null ? 'set' : 'replace', from: pc.from, to: pc.to };
  if (c?.choices && (pc.to !== null || pc.from !== null)) return { concept, action: 'mention', from: null, to: null }; // "optimizer 0.95 to 0.9": no choice
  // A word where a number belongs ("SSSL sliding window") is no value of a numeric parameter.
  // A tuple ("(0.9,0.95)") is the value of a tuple-valued parameter.
  const word = (v: string | null) =>
    v !== null && Number.isNaN(Number(v)) && !['true', 'false', 'none', 'off'].includes(v) && !(c?.tuple_of && /^\(.*\)$/.test(v));
  if (c && !c.choices && (word(pc.from) || word(pc.to))) return { concept, action: 'mention', from: null, to: null };
  const action: Action = pc.direction === 'up' ? 'raise' : pc.direction === 'down' ? 'lower' : 'set';
  return { concept, action, from: pc.from, to: pc.to };
}
