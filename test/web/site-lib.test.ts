// The web site's pure helpers: which page a path is, shareable query strings, the
// best-so-far chart's geometry, and the formatting that decides what becomes a link.
import { describe, expect, it } from 'vitest';
import { matchRoute, withQuery } from '../../web/src/lib/routes.ts';
import { plot, timeStep } from '../../web/src/lib/chart.ts';
import { fmtDelta, githubLogin, safeHttpUrl } from '../../web/src/lib/format.ts';

describe('routes', () => {
  it('maps every page path, and nothing else', () => {
    expect(matchRoute('/')).toEqual({ page: 'leaderboard' });
    expect(matchRoute('/ideas')).toEqual({ page: 'ideas' });
    expect(matchRoute('/ideas/5b9c-1')).toEqual({ page: 'idea', id: '5b9c-1' });
    expect(matchRoute('/records/' + 'a'.repeat(64))).toEqual({ page: 'record', id: 'a'.repeat(64) });
    expect(matchRoute('/known-bad/')).toEqual({ page: 'known-bad' });
    for (const p of ['/v1/leaderboard', '/ideas/a/b', '/records/<script>', '/docs', '/records/'])
      expect(matchRoute(p).page, p).toBe('not-found');
  });

  it('drops empty filters from shareable URLs and encodes the rest', () => {
    expect(withQuery('/', { harness: undefined, class: '' })).toBe('/');
    expect(withQuery('/known-bad', { class: 'H100 80GB', harness: 'ab' })).toBe('/known-bad?class=H100+80GB&harness=ab');
    expect(withQuery('/ideas', { q: 'a&b=c' })).toBe('/ideas?q=a%26b%3Dc');
  });
});

describe('best-so-far chart', () => {
  const box = { width: 500, height: 200, left: 50, right: 10, top: 10, bottom: 20 };
  const day = (d: number) => Date.UTC(2026, 2, d);

  it('draws each class as steps that go down as val_bpb improves, out to the last time', () => {
    const p = plot(
      [
        {
          name: 'H100 80GB',
          points: [
            { t: day(3), v: 0.98, id: 'b' },
            { t: day(1), v: 1.0, id: 'a' },
          ],
        },
        { name: 'RTX', points: [{ t: day(5), v: 1.05, id: 'c' }] },
      ],
      box,
      day(5),
    );
    const [h100] = p.series;
    expect(h100.dots.map((d) => d.point.id)).toEqual(['a', 'b']);
    const [a, b] = h100.dots;
    expect(b.x).toBeGreaterThan(a.x);
    expect(b.y).toBeGreaterThan(a.y); // lower val_bpb is drawn lower
    expect(h100.path).toMatch(/^M[\d.]+,[\d.]+H[\d.]+V[\d.]+H[\d.]+$/);
    for (const d of p.series.flatMap((s) => s.dots)) {
      expect(d.x).toBeGreaterThanOrEqual(box.left);
      expect(d.x).toBeLessThanOrEqual(box.width - box.right);
      expect(d.y).toBeGreaterThanOrEqual(box.top);
      expect(d.y).toBeLessThanOrEqual(box.height - box.bottom);
    }
    expect(p.yTicks.length).toBeGreaterThanOrEqual(2);
    expect(p.xTicks.every((t) => t.t % 86_400_000 === 0)).toBe(true);
  });

  it('copes with a single point and with nothing', () => {
    expect(plot([], box).series).toEqual([]);
    const one = plot([{ name: 'x', points: [{ t: day(1), v: 1, id: 'a' }] }], box, day(1));
    expect(Number.isFinite(one.series[0].dots[0].x) && Number.isFinite(one.series[0].dots[0].y)).toBe(true);
  });

  it('plots by experiment order, evenly spaced, each class its own, when some times are unknown (no made-up timeline)', () => {
    // A bare results.tsv imported at once: every row 1 ms apart, all "time unknown".
    const now = day(9);
    const points = [1.0, 0.99, 0.985, 0.97].map((v, i) => ({ t: now - 4 + i, v, id: `p${i}`, unknown: true }));
    const p = plot(
      [
        { name: 'Apple M4 Max', points },
        { name: 'H100 80GB', points: [{ t: day(2), v: 0.95, id: 'k' }] },
      ],
      box,
      now,
    );
    expect(p.axis).toBe('order');
    const xs = p.series[0].dots.map((d) => d.x);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    // Equal steps, not four dots on one vertical line.
    expect(Math.min(...gaps)).toBeGreaterThan(50);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(1e-6);
    // Each class in its own order (not the order records were imported in), keeping its real time.
    expect(p.series[1].dots[0].point).toMatchObject({ t: 1, at: day(2) });
    expect(p.series[0].dots.map((d) => d.point.t)).toEqual([1, 2, 3, 4]);
    expect(p.xTicks[0]).toMatchObject({ t: 1 });
    expect(plot([{ name: 'x', points: [{ t: day(1), v: 1, id: 'a' }] }], box, day(1)).axis).toBe('time');
  });

  it('picks calendar tick steps', () => {
    expect(timeStep(4 * 86_400_000, 5)).toBe(86_400_000);
    expect(timeStep(60 * 86_400_000, 5)).toBe(14 * 86_400_000);
  });
});

describe('formatting', () => {
  it('links only http(s) URLs and valid GitHub logins', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,<script>')).toBeNull();
    expect(safeHttpUrl('https://github.com/a/b')).toBe('https://github.com/a/b');
    expect(githubLogin('octo-cat')).toBe('octo-cat');
    expect(githubLogin('../evil')).toBeNull();
    expect(githubLogin('a b')).toBeNull();
  });

  it('signs deltas (negative is an improvement)', () => {
    expect(fmtDelta(-0.0122)).toBe('−0.0122');
    expect(fmtDelta(0.5)).toBe('+0.5000');
    expect(fmtDelta(null)).toBe('—');
  });
});
