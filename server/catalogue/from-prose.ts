// The changes a description names, as the catalogue reads them: describe.ts's values and verbs,
// checked and completed by the recognised mentions (their verbs, values, choices and asides).
import { describeChanges, splitDescription } from './describe.ts';
import { isBaselineHead } from './baseline.ts';
import { broaderChain, CONCEPTS, narrowerConcepts, resolveByValue } from './catalogue.ts';
import { conceptOf, fromParamChange, type Action, type Change, type ChangeSet } from './change-set.ts';
import { choiceChange, codeMentions } from './choice-change.ts';
import { fromGloss } from './from-gloss.ts';
import { LANGUAGE } from './language.ts';
import { leftValue, replacedValue, valuesAfter, valuesWithin } from './prose-values.ts';
import { VERB_OF, verbNear } from './prose-verbs.ts';
import { recognize, recognizeWithShadows, type Mention, type Shadow } from './recognize.ts';
import { choiceWordsAt, nameEndWithin, partitiveWhole, scopedCount, settingsAfter, weakAliasAt } from './scope.ts';
import { words, type Word } from './words.ts';

// Words that start a clause about the setting rather than the change ("depth 6 with GQA", "… using GQA").
const CONTEXT: ReadonlySet<string> = new Set([...LANGUAGE.context, ...LANGUAGE.mention_context]);

/** What fromProse read in a description's change clause, shared by its phases. */
interface Reading {
  clause: string;
  ws: readonly Word[];
  shadows: readonly Shadow[];
  /** Every mention in the clause, and those that name a change (not a setting of another change). */
  all: readonly Mention[];
  mentions: Mention[];
  /** describe.ts's changes (its values and verbs), then the switches it read as turned on. */
  proseChanges: Change[];
  /** How many of `proseChanges` describe.ts read as values and verbs (the rest are switches). */
  described: number;
  /** The parenthesised settings written after a mention, and the concepts they configure. */
  settings: Setting[];
  configured: Set<string>;
  /** Offset from which mentions describe the setting rather than the change. */
  contextFrom: number;
  /** Some prose change is named outside any parenthesis. */
  outside: boolean;
}

type Setting = { concept: string; start: number; end: number; inside: string };

/**
 * Offers a description's changes; adds to `mentioned` what it names (its rationale only when
 * nothing else). Returns true when the description is a baseline run (it names no change).
 * `glosses: false`: names, patterns and values only (a later sentence, read by understand()).
 */
export function fromProse(description: string, set: ChangeSet, mentioned: string[], opts: { glosses?: boolean } = {}): boolean {
  const { head, rest } = splitDescription(description);
  if (isBaselineHead(head)) {
    // A baseline run names its setting, not a change: what it names still helps lexical search.
    mentioned.push(...recognize(head).map((m) => m.concept));
    return true;
  }
  const { described, proseChanges, clause, ws, shadows, all } = readClause(description, head, rest);
  mentioned.push(...all.map((m) => m.concept));
  const { settings, configured, mentions } = separateSettings(clause, all, proseChanges, set);
  if (mentions.length === 0 && proseChanges.length === 0) {
    // No name read in the change, nor in the diff: the glosses may still say what it is about.
    const afterColon = rest.startsWith(':') ? splitDescription(rest.slice(1)).head : '';
    if (
      opts.glosses !== false &&
      set.list().length === 0 &&
      (fromGloss(head, set, mentioned) || (afterColon !== '' && fromGloss(afterColon, set, mentioned)))
    )
      return false;
    // Nothing in the change itself: what the rest names helps lexical search, but changes nothing.
    mentioned.push(...recognize(description).map((m) => m.concept));
    return false;
  }

  const reading = {
    clause,
    ws,
    shadows,
    all,
    mentions,
    proseChanges,
    described,
    settings,
    configured,
    contextFrom: contextStart(ws, mentions),
  };
  const outside = proseChanges.some((c) => mentionsOf(reading, c.concept).length > 0 && !inParens(reading, c.concept));
  const r: Reading = { ...reading, outside };
  for (const [i, raw] of proseChanges.entries()) offerProseChange(r, set, raw, i);
  offerMentions(r, set);
  completeFromNext(rest, set);
  completeReplaced(clause, set, mentions);
  switchedFrom(clause, set, mentions);
  return false;
}

/**
 * "bf16 -> fp8", "from GELU to SwiGLU"-style pairs of two switches of one group: the first is the
 * state the change starts from, not a second thing switched on.
 */
function switchedFrom(clause: string, set: ChangeSet, mentions: readonly Mention[]) {
  for (let i = 0; i + 1 < mentions.length; i++) {
    const [a, b] = [mentions[i], mentions[i + 1]];
    const [ca, cb] = [CONCEPTS.get(a.concept), CONCEPTS.get(b.concept)];
    if (!ca || !cb || a.concept === b.concept || ca.kind !== 'switch' || cb.kind !== 'switch' || ca.group !== cb.group) continue;
    const between = clause.slice(a.end, b.start).trim();
    const fromBefore = /\bfrom\s*$/i.test(clause.slice(0, a.start));
    if (!(LANGUAGE.arrows.includes(between) || (fromBefore && LANGUAGE.old_first.includes(between.toLowerCase())))) continue;
    if (set.get(a.concept)?.action === 'enable' && set.get(b.concept)?.action === 'enable')
      set.force({ concept: a.concept, action: 'mention', from: null, to: null });
  }
}

/** describe.ts's changes and the clause they are read in, with its words and every mention in it. */
function readClause(description: string, head: string, rest: string) {
  const described = describeChanges(description);
  const removed = new Set(described.removed);
  const proseChanges = described.changes.map((pc) => fromParamChange(pc, removed.has(pc.name)));
  for (const id of described.switchedOn) proseChanges.push({ concept: conceptOf(id), action: 'enable', from: null, to: null });

  // "QK norm: off", "window pattern: SL": the value after the colon belongs to the name before it.
  const labelled = /^:\s*(?:on|off|true|false|none|enabled|disabled)\b/i.exec(rest) ?? /^:\s*[A-Z]{1,6}(?![\w.=])/.exec(rest);
  let clause = labelled ? head + labelled[0] : head;
  let read = recognizeWithShadows(clause);
  if (read.mentions.length === 0 && rest.startsWith(':')) {
    clause = splitDescription(rest.slice(1)).head; // "shallower model: depth 8 → 4"
    read = recognizeWithShadows(clause);
  }
  const ws = words(clause);
  const { shadows } = read;
  const all = [...read.mentions, ...codeMentions(clause, ws, read.mentions)].sort((a, b) => a.start - b.start);
  return { described: described.changes.length, proseChanges, clause, ws, shadows, all };
}

/**
 * The mentions that name a change, apart from those that are another change's settings; a part's
 * own optimizer setting is offered here, as that part's.
 */
function separateSettings(clause: string, all: readonly Mention[], proseChanges: readonly Change[], set: ChangeSet) {
  // "embedding weight decay (wte=0.001 lm_head=0.01)", "QK norm (eps=1e-6)": the parenthesis after a
  // name holds that change's settings; a plain word there naming an unrelated knob is one of them.
  const settings: Setting[] = all.flatMap((m) => {
    const block = settingsAfter(clause, m, all);
    return block === null ? [] : [{ concept: m.concept, ...block }];
  });
  const configured = new Set<string>();
  const ownSetting = (m: Mention) => {
    const b = settings.find((x) => x.start <= m.start && m.end <= x.end && x.concept !== m.concept);
    if (!b || !/^[a-z]+$/.test(clause.slice(m.start, m.end)) || related(b.concept, m.concept)) return false;
    configured.add(b.concept);
    return true;
  };
  // "x0_lambdas betas (0.9, 0.95)": an optimizer setting written right after another part's code name
  // is that part's own (its parameter group's): neither the global setting nor a change of the part.
  const owned = ownedSettings(clause, all);
  const mentions = all.filter((m) => !ownSetting(m) && !owned.some((o) => o.owner === m || o.setting === m));
  for (const { owner, setting } of owned) {
    const own = proseChanges.find((c) => c.concept === setting.concept);
    const concept = `${clause.slice(owner.start, owner.end).toUpperCase()}_${setting.concept}`;
    set.offer(own ? { ...own, concept } : { concept, action: 'mention', from: null, to: null });
  }
  return { settings, configured, mentions };
}

/** The change mentions naming `concept`, directly or through an alias hub. */
const mentionsOf = (r: Pick<Reading, 'mentions'>, concept: string) =>
  r.mentions.filter((m) => m.concept === concept || hubTargets(m.concept).includes(concept));

/** True when every mention of `concept` is inside a parenthesis. */
const inParens = (r: Pick<Reading, 'mentions' | 'ws'>, concept: string) => {
  const ms = mentionsOf(r, concept);
  return ms.length > 0 && ms.every((m) => (r.ws.find((w) => w.start >= m.start)?.depth ?? 0) > 0);
};

/** An optimizer named as the owner of the next setting ("Adam LR for the embeddings") is no change. */
const descriptor = (r: Reading, m: Mention) =>
  m.choice !== null &&
  CONCEPTS.get(m.concept)?.group === 'optimizer' &&
  r.mentions.some(
    (x) =>
      x.concept !== m.concept &&
      CONCEPTS.get(x.concept)?.group === 'optimizer' &&
      ((x.start > m.end && /^[\s'’s]{0,3}$/.test(r.clause.slice(m.end, x.start))) ||
        // "warm Muon's momentum up": the optimizer named inside the other setting's phrase.
        (x.start <= m.start && x.end >= m.end)),
  );

/** Offers one of describe.ts's changes (the `i`th), unless the mentions show it is a setting, a qualifier or context. */
function offerProseChange(r: Reading, set: ChangeSet, raw: Change, i: number) {
  const { clause, ws, mentions, settings } = r;
  const concept = adhocConcept(raw.concept, mentions);
  const change = { ...raw, concept };
  const c = CONCEPTS.get(concept);
  const ms = mentionsOf(r, concept);
  if (ms.length === 0 && r.all.some((m) => (m.concept === concept || hubTargets(m.concept).includes(concept)) && !mentions.includes(m)))
    return; // a setting of another change
  if (!c) {
    // A setting of the change named before its parenthesis, not a parameter of its own.
    const block = settings.find((b) =>
      new RegExp(String.raw`(?:^|[^\w.])${concept.replace(/[^A-Z0-9_]/gi, '')}\s*[=:]`, 'i').test(b.inside),
    );
    if (block) {
      r.configured.add(block.concept);
      return;
    }
  }
  if (c?.choices && change.to !== null && change.to in c.choices && choiceReadOtherwise(r, change, ms)) return;
  // A count that says where another change applies ("add XSA to the last 4 layers"), or the whole a
  // share is taken from ("more of the budget to warmup"), is no change of its own.
  if (c && qualifiesOnly(clause, ws, concept, mentions)) return;
  if (ms.length === 0 && c && offeredForShadow(r, set, change)) return;
  // A change named only inside an aside "(… 32/64 head dims)", or a switch only in the setting
  // ("depth 6 with GQA"), is context when something else changes; "(AR 64→54)" still counts.
  // A setting written in the parenthesis after the change's name ("GQA (n_kv_head=2)") is part of it.
  const setting = change.to !== null && ms.length > 0 && ms.every((m) => settings.some((b) => b.start <= m.start && m.end <= b.end));
  const asideOnly =
    !setting &&
    ((inParens(r, concept) && r.outside) || (i >= r.described && ms.length > 0 && ms.every((m) => isAside(ws, m, r.contextFrom))));
  const explicit = change.from !== null && change.to !== null;
  set.offer(asideOnly && !explicit && change.action !== 'mention' ? { concept, action: 'mention', from: null, to: null } : change);
}

/** True when a choice describe.ts read is not the change: the mentions name another, or it is only the setting. */
function choiceReadOtherwise(r: Reading, change: Change, ms: readonly Mention[]): boolean {
  // A choice only a generic word named ("gated linear units" is no linear schedule), or one the
  // mentions read better ("swish gated unit" is SwiGLU, not SiLU): the mentions decide.
  const chosen = ms.filter((m) => m.choice !== null && !descriptor(r, m)).map((m) => m.choice);
  if (
    ms.length === 0 ||
    ms.every((m) => descriptor(r, m)) ||
    (chosen.length && !chosen.includes(change.to) && !chosen.includes(change.from))
  )
    return true;
  // "a slower momentum warm-up for Muon": a choice named only in the setting, beside a change named before it, is context.
  const aside = (m: Mention) => isAside(r.ws, m, r.contextFrom);
  if (change.from === null && ms.every(aside) && r.mentions.some((m) => !ms.includes(m) && !aside(m))) return true;
  // "warmup-stable-decay schedule with a short linear decay": the second choice is its setting.
  return (
    change.from !== null &&
    inSetting(r.ws, ms, change.concept, change.to, r.contextFrom) &&
    !inSetting(r.ws, ms, change.concept, change.from, r.contextFrom)
  );
}

/**
 * describe.ts read a concept whose words a stronger reading claimed ("the lr of the 2D hidden
 * matrices", "decay the lr to 10% instead of zero"): the change is the winner's, if it is a value.
 * True when the change was handled so (offered as the winner's, or dropped).
 */
function offeredForShadow(r: Reading, set: ChangeSet, change: Change): boolean {
  const { concept } = change;
  // Only a general concept's words taken by a more specific reading: "lr" inside "the lr of the
  // hidden matrices", not "fewer attention heads" inside "attention heads with bigger dimension".
  const by = r.shadows.find((s) => s.inside && (s.concept === concept || hubTargets(s.concept).includes(concept)))?.by;
  const winner = by && CONCEPTS.get(by.concept)!;
  if (by && winner && (winner.kind === 'switch' || winner.choices)) return true; // "rotary on half the head dims" is partial RoPE
  // A paraphrase of another knob of the same group that holds these words ("no longer anneal the LR
  // to zero" is the LR floor, not the warm-down its "anneal" names alone) reads them: no change here.
  if (by && by.via === 'pattern' && change.from === null && change.to === null && winner!.group === CONCEPTS.get(concept)?.group)
    return true;
  if (!by || !(broaderChain(by.concept).includes(concept) || narrowerConcepts(concept).length > 0)) return false;
  if (r.proseChanges.some((x) => x.concept === by.concept)) return true;
  // The winner's own words remove it ("constant Muon momentum 0.95" is no warm-up): the value is not its own.
  if (verbNear(r.clause, r.ws, by, winner!.kind, r.mentions, by.concept) === 'disable') {
    set.offer({ concept: by.concept, action: 'disable', from: null, to: null });
    return true;
  }
  const values = valuesAfter(r.clause, by.start) ?? { from: null, to: null };
  const [f, t] = [Number(values.from ?? NaN), Number(values.to ?? NaN)];
  const action =
    !Number.isNaN(f) && !Number.isNaN(t)
      ? t > f
        ? 'raise'
        : 'lower'
      : change.action === 'set' && values.to === null
        ? 'mention'
        : change.action;
  set.offer({ concept: by.concept, action, ...values });
  return true;
}

/** Offers what each mentioned concept's own words say: a choice, a switch, a value or a verb. */
function offerMentions(r: Reading, set: ChangeSet) {
  const byConcept = new Map<string, Mention[]>();
  for (const m of r.mentions) byConcept.set(m.concept, [...(byConcept.get(m.concept) ?? []), m]);
  for (const [concept, ms] of byConcept) offerMention(r, set, concept, ms);
}

function offerMention(r: Reading, set: ChangeSet, concept: string, ms: Mention[]) {
  const { clause, ws, mentions, contextFrom } = r;
  const c = CONCEPTS.get(concept)!;
  const first = ms[0];
  const aside = isAside(ws, first, contextFrom);
  const choiceMentions = ms.filter((m) => m.choice !== null);
  if (choiceMentions.length) {
    // A choice naming what another concept belongs to ("Adam LR for the embeddings", "NorMuon's
    // variance scaling") is no change, not even a mention: it is named (in `concepts`) and that is all.
    if (choiceMentions.length === 1 && descriptor(r, first) && !set.get(concept)) return;
    set.refine(
      choiceChange(concept, clause, ws, choiceMentions, aside || (choiceMentions.length === 1 && descriptor(r, first)), contextFrom),
    );
    return;
  }
  if (!set.has(concept) && qualifiesOnly(clause, ws, concept, mentions)) return; // "XSA on two more layers"
  const verb = verbNear(clause, ws, first, c.kind, mentions, c.resolve_by_value ? resolveByValue(c, NaN) : concept);
  if (c.kind === 'switch') {
    const action: Action =
      verb === 'disable' ? 'disable' : aside || (verb && verb !== 'enable' && verb !== 'replace') ? 'mention' : 'enable';
    if (action === 'disable' && set.get(concept)?.action === 'enable')
      set.force({ concept, action, from: null, to: null }); // "untie the embeddings"
    else set.offer({ concept, action, from: null, to: null });
    return;
  }
  if (set.has(concept)) return;
  const values = aside ? null : (valuesAfter(clause, first.end) ?? (first.via === 'pattern' ? patternValues(clause, ws, first) : null));
  const target = c.resolve_by_value ? resolveByValue(c, numeric(values?.to ?? values?.from ?? null)) : concept;
  if (values?.to != null && values.from != null) {
    const [f, t] = [Number(values.from), Number(values.to)];
    set.offer({ concept: target, action: Number.isNaN(f) || Number.isNaN(t) ? 'set' : t > f ? 'raise' : 'lower', ...values });
  } else if (values?.to != null) {
    const action: Action = verb === 'raise' || verb === 'double' ? 'raise' : verb === 'lower' || verb === 'halve' ? 'lower' : 'set';
    set.offer({ concept: target, action, from: null, to: values.to });
  } else if (!aside && verb) {
    const action: Action =
      verb === 'raise' || verb === 'double'
        ? 'raise'
        : verb === 'lower' || verb === 'halve'
          ? 'lower'
          : verb === 'disable'
            ? 'disable'
            : c.choices
              ? verb === 'replace'
                ? 'replace'
                : 'mention'
              : verb === 'enable'
                ? 'enable'
                : 'mention';
    set.offer({ concept: target, action, from: null, to: null });
  } else if (r.configured.has(concept) && !c.choices) set.offer({ concept: target, action: 'enable', from: null, to: null });
  else set.offer({ concept: target, action: 'mention', from: null, to: null });
}

/** "Stop decaying the LR to zero; end at 10 % of peak": a next clause that names a changed concept again gives the value it lacks. */
function completeFromNext(rest: string, set: ChangeSet) {
  if (!rest.startsWith(';')) return;
  const next = splitDescription(rest.slice(1)).head;
  const ws = words(next);
  for (const m of recognize(next)) {
    const c = set.get(m.concept);
    if (!c || c.to !== null || !['raise', 'lower', 'set'].includes(c.action)) continue;
    const values = valuesAfter(next, m.end) ?? (m.via === 'pattern' ? patternValues(next, ws, m) : null);
    if (values?.to != null) set.force({ ...c, from: c.from ?? values.from, to: values.to });
  }
}

/** Values among a paraphrase's words: after the concept's own name in it ("weight decay| to zero"), else inside it ("route each token to 3 experts"). */
function patternValues(clause: string, ws: readonly Word[], m: Mention) {
  const nameEnd = nameEndWithin(ws, m.concept, m);
  return (nameEnd >= 0 ? valuesAfter(clause, nameEnd) : null) ?? valuesWithin(clause, m.start, m.end);
}

/**
 * "16 layers instead of 12", "a head dim of 128 rather than 64": a value set without its start gets
 * the one it replaces; "stop decaying the LR to zero" (in the concept's own words) the one it leaves.
 */
function completeReplaced(clause: string, set: ChangeSet, mentions: readonly Mention[]) {
  for (const { concept } of set.list()) {
    const c = set.get(concept)!;
    if (
      c.from !== null ||
      c.to === null ||
      !['set', 'raise', 'lower'].includes(c.action) ||
      Number.isNaN(Number(c.to)) ||
      CONCEPTS.get(concept)?.choices
    )
      continue;
    const left = mentions.filter((m) => m.concept === concept).map((m) => leftValue(clause.slice(m.start, m.end)));
    const from = replacedValue(clause, c.to) ?? left.find((v) => v !== null && v !== c.to) ?? null;
    if (from !== null && !Number.isNaN(Number(from)))
      set.force({ concept, action: Number(c.to) > Number(from) ? 'raise' : 'lower', from, to: c.to });
  }
}

/** True when `choice` is written only in the setting ("… schedule with a short linear decay"), and no verb replaces anything. */
function inSetting(ws: readonly Word[], ms: readonly Mention[], concept: string, choice: string | null, contextFrom: number): boolean {
  const starts = [
    ...ms.filter((m) => m.choice === choice).map((m) => m.start),
    ...(choice === null ? [] : choiceWordsAt(ws, concept, choice).map((i) => ws[i].start)),
  ];
  if (starts.length === 0) return false;
  const replaced = (m: Mention) =>
    ws
      .slice(
        Math.max(0, ws.findIndex((w) => w.start >= m.start) - 3),
        ws.findIndex((w) => w.start >= m.start),
      )
      .some((w) => VERB_OF.get(w.text) === 'replace');
  return starts.every((s) => s >= contextFrom) && !ms.some(replaced);
}

/**
 * A reading that only qualifies another change: a count of where it applies ("XSA on the last 4
 * layers", "XSA on two more layers"), the whole a share is taken from ("more of the budget to
 * warmup"), or a weak alias among another concept's words ("remove attention in alternate layers").
 */
function qualifiesOnly(clause: string, ws: readonly Word[], concept: string, mentions: readonly Mention[]): boolean {
  const at = (m: Mention) => ws.findIndex((w) => w.start >= m.start);
  const own = mentions.filter((m) => m.concept === concept);
  const weak = weakAliasAt(ws, concept).filter((i) => !own.some((m) => m.start <= ws[i].start && ws[i].end <= m.end));
  if (own.length + weak.length === 0) return false;
  const inOther = (i: number) => mentions.some((m) => m.concept !== concept && m.start <= ws[i].start && ws[i].end <= m.end);
  return (
    own.every((m) => scopedCount(clause, ws, at(m), concept, mentions)) &&
    weak.every((i) => inOther(i) || partitiveWhole(ws, i) || scopedCount(clause, ws, i, concept, mentions))
  );
}

/** Pairs of a code name (`x0_lambdas`) and the optimizer setting written right after it (`betas`): the part's own setting. */
function ownedSettings(clause: string, all: readonly Mention[]): { owner: Mention; setting: Mention }[] {
  const perGroup = (m: Mention) => CONCEPTS.get(m.concept)?.group === 'optimizer' && CONCEPTS.get(m.concept)?.kind === 'param';
  return all.flatMap((owner, k) => {
    const setting = all[k + 1];
    const ok =
      setting !== undefined &&
      owner.via === 'identifier' &&
      setting.via === 'alias' &&
      /_/.test(clause.slice(owner.start, owner.end)) &&
      /^\s+$/.test(clause.slice(owner.end, setting.start)) &&
      perGroup(setting) &&
      CONCEPTS.get(owner.concept)?.group !== 'optimizer';
    return ok ? [{ owner, setting }] : [];
  });
}

/** Concepts of one group, or one in the other's broader chain: a setting of a change may be either ("EMA (decay=0.99)", "GQA (kv_heads=2)"). */
const related = (a: string, b: string) =>
  CONCEPTS.get(a)?.group === CONCEPTS.get(b)?.group ||
  broaderChain(a).includes(b) ||
  broaderChain(b).includes(a) ||
  hubTargets(b).some((t) => broaderChain(t).includes(a));

/** The concepts an alias hub (BATCH, WARMUP, WARMDOWN) resolves to. */
const hubTargets = (id: string) => (CONCEPTS.get(id)?.resolve_by_value ?? []).map((r) => r.id);

/**
 * A name describe.ts made up from a plain word ("decay=0.98", "std=0.001") read as the parameter
 * of a mentioned concept it ends: EMA + DECAY → EMA_DECAY, INIT_SCALE's init_std + STD → INIT_SCALE.
 */
function adhocConcept(name: string, mentions: readonly Mention[]): string {
  if (CONCEPTS.has(name)) return name;
  const ends = new RegExp(`(?:^|_)${name.replace(/[^A-Z0-9_]/gi, '')}$`, 'i');
  const near = [...new Set(mentions.map((m) => m.concept))].flatMap((id) => [id, ...narrowerConcepts(id)]);
  for (const id of near) {
    const c = CONCEPTS.get(id)!;
    if (c.kind === 'param' && (ends.test(c.id) || c.identifiers.some((x) => ends.test(x)))) return c.id;
  }
  return name;
}

const numeric = (v: string | null) => (v === null ? NaN : Number(v));

/** Offset from which mentions describe the setting: the first context word after a mention or value. */
function contextStart(ws: readonly Word[], mentions: readonly Mention[]): number {
  for (let i = 0; i < ws.length; i++) {
    if (!CONTEXT.has(ws[i].text)) continue;
    const before = ws.slice(0, i);
    if (before.some((w) => /^\d/.test(w.text)) || mentions.some((m) => m.end <= ws[i].start)) return ws[i].start;
  }
  return Infinity;
}

function isAside(ws: readonly Word[], m: Mention, contextFrom: number): boolean {
  const w = ws.find((x) => x.start >= m.start);
  return (w !== undefined && w.depth > 0) || m.start >= contextFrom;
}
