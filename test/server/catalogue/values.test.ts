// Canonical values: one spelling per value, numbers as agents write them, and train.py right-hand
// sides as configuration (anything else, code, is null).
import { describe, expect, it } from 'vitest';
import { formatValue, parseProseNumber, parsePythonLiteral } from '../../../server/catalogue/values.ts';

describe('values', () => {
  it('formats one spelling per value', () => {
    expect(formatValue(0.04)).toBe('0.04');
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue('SSSL')).toBe('sssl');
  });

  it('parses prose numbers: exponents, powers, fractions, K, multiples and percentages', () => {
    const value = (raw: string) => parseProseNumber(raw)?.value;
    expect(value('0.04')).toBe(0.04);
    expect(value('1e-3')).toBe(0.001);
    expect(value('2^16')).toBe(65536);
    expect(value('16K')).toBe(16384);
    expect(value('10K')).toBe(10000);
    expect(value('30%')).toBeCloseTo(0.3);
    expect(value('8/3')).toBeCloseTo(8 / 3);
    expect(value('1_000')).toBe(1000);
    expect(parseProseNumber('4x')).toEqual({ value: 4, factor: true });
    for (const bad of ['abc', '', 'x4', '1.2.3']) expect(parseProseNumber(bad), bad).toBeNull();
  });

  it('parses python literals and refuses code', () => {
    expect(parsePythonLiteral('2**19')).toBe(524288);
    expect(parsePythonLiteral('7 * 2**15')).toBe(229376);
    expect(parsePythonLiteral('(0.8, 0.95)')).toEqual([0.8, 0.95]);
    expect(parsePythonLiteral('"SSSL"')).toBe('sssl');
    expect(parsePythonLiteral('True')).toBe('true');
    expect(parsePythonLiteral('None')).toBe('none');
    for (const code of ['foo(x)', 'x.y', 'lambda: 1']) expect(parsePythonLiteral(code), code).toBeNull();
  });
});
