import { describe, expect, it } from 'vitest';
import { frontierIndices, scatterChart, type ChartPoint } from '../../../src/dashboard/view/scatter-chart.js';
import { diffLines } from '../../../src/dashboard/view/yaml-diff.js';
import { layoutTable } from '../../../src/dashboard/view/table-layout.js';
import { lineText, textWidth, truncate } from '../../../src/dashboard/view/styled-line.js';
import { layoutPanes } from '../../../src/dashboard/view/pane-layout.js';
import { shares } from '../../../src/dashboard/view/proposal-view.js';

const pt = (mark: string, quality: number, costPer1k: number): ChartPoint => ({ mark, name: mark, kind: 'model', quality, costPer1k });

describe('view helpers', () => {
  it('frontier: the points nothing beats on both quality and cost', () => {
    const pts = [pt('A', 0.9, 4), pt('B', 0.7, 1), pt('C', 0.6, 2), pt('D', 0.5, 0.5), pt('E', 0.9, 5)];
    expect([...frontierIndices(pts)].sort()).toEqual([0, 1, 3]);
  });

  it('chart: every point drawn once, frontier listed with ◆, fits the width', () => {
    const lines = scatterChart([pt('A', 0.9, 4), pt('B', 0.7, 1), pt('C', 0.6, 2), pt('D', 0.9, 4)], 60, 8).map(lineText);
    const plot = lines.slice(0, 8).join('\n');
    for (const m of ['A', 'B', 'C', 'D']) expect(plot.split(m).length - 1).toBe(1);
    expect(lines.filter((l) => l.startsWith('◆')).map((l) => l[2])).toEqual(['A', 'B']);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(60);
  });

  it('chart: a log cost axis when costs span more than 20×', () => {
    expect(
      scatterChart([pt('A', 0.9, 40), pt('B', 0.7, 1)], 60, 6)
        .map(lineText)
        .join('\n'),
    ).toContain('(log)');
  });

  it('diff: minimal +/- lines', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });

  it('table: shrinks the widest column with … and keeps numbers whole', () => {
    const t = layoutTable([{ header: 'name' }, { header: 'n', align: 'right' }], [['a-very-long-model-name-indeed', '12345']], 20);
    expect(lineText(t.rows[0]!)).toBe('a-very-long-…  12345');
  });

  it('wide characters count as two cells', () => {
    expect(textWidth('漢字a')).toBe(5);
    expect(truncate('漢字漢字', 5)).toBe('漢字…');
  });

  it('panes: all shown when they fit, else the focused one with a more mark', () => {
    const panes = [
      { title: 'A', lines: [[{ text: '1' }]] },
      { title: 'B', lines: Array.from({ length: 30 }, (_, i) => [{ text: `b${i}` }]) },
    ];
    const small = layoutPanes(panes, 1, 10, 40, 0);
    expect(lineText(small.lines[0]!)).toContain('↓ 21 more');
    expect(small.lines).toHaveLength(10);
    const big = layoutPanes(panes, 1, 100, 40, 5);
    expect(big.scroll).toBe(0);
    expect(big.lines.map(lineText)).toContain('▸ A');
  });

  it('weights are shown as shares of traffic', () => {
    expect(shares([{ model_name: 'a', weight: 0.5 }, { model_name: 'b' }])).toEqual(
      new Map([
        ['a', 1 / 3],
        ['b', 2 / 3],
      ]),
    );
  });
});
