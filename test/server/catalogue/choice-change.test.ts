// choice-change.ts: the change of a choice slot from its mentions ("B instead of A", "replace A
// with B", "B") and choices written as capital codes beside their slot ("window pattern S").
import { describe, expect, it } from 'vitest';
import { choiceChange, codeMentions } from '../../../server/catalogue/choice-change.ts';
import { recognize } from '../../../server/catalogue/recognize.ts';
import { words } from '../../../server/catalogue/words.ts';

const changeOf = (text: string) => {
  const ws = words(text);
  const all = [...recognize(text)];
  all.push(...codeMentions(text, ws, all));
  const concept = all[0].concept;
  return choiceChange(
    concept,
    text,
    ws,
    all.filter((m) => m.concept === concept && m.choice !== null),
    false,
    Infinity,
  );
};

describe('choiceChange', () => {
  it('reads which choice replaced which', () => {
    expect(changeOf('SwiGLU instead of ReLU²')).toEqual({ concept: 'ACTIVATION', action: 'replace', from: 'relu2', to: 'swiglu' });
    expect(changeOf('replace SwiGLU with squared ReLU')).toEqual({ concept: 'ACTIVATION', action: 'replace', from: 'swiglu', to: 'relu2' });
    expect(changeOf('use SwiGLU')).toEqual({ concept: 'ACTIVATION', action: 'set', from: null, to: 'swiglu' });
  });

  it('reads a capital code beside its slot, and no code elsewhere', () => {
    expect(changeOf('window pattern S')).toEqual({ concept: 'WINDOW_PATTERN', action: 'set', from: null, to: 's' });
    const text = 'S is a letter';
    expect(codeMentions(text, words(text), recognize(text))).toEqual([]);
  });
});
