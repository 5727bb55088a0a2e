import { barLayout } from './chart';

describe('report charts', () => {
  it('puts the days in date order, the largest reaching the top', () => {
    const { bars, top } = barLayout(
      [
        { date: '2026-12-03', value: 50 },
        { date: '2026-12-01', value: 100 },
        { date: '2026-12-02', value: 0 },
        { date: '2026-12-04', value: 25 },
      ],
      400,
      100,
    );
    expect(top).toBe(100);
    expect(bars.map((b) => b.date)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(bars.map((b) => b.height)).toEqual([100, 0, 50, 25]);
    expect(bars.map((b) => b.y)).toEqual([0, 100, 50, 75]);
    expect(bars.map((b) => b.x)).toEqual([1, 101, 201, 301]);
    expect(bars.every((b) => b.width === 98)).toBe(true);
  });

  it('shows a tiny day next to a huge one, and no day when all are 0', () => {
    expect(barLayout([{ date: 'a', value: 1 }, { date: 'b', value: 1e12 }], 100, 100).bars[0].height).toBe(1);
    const empty = barLayout([{ date: 'a', value: 0 }], 100, 100);
    expect(empty.top).toBe(1);
    expect(empty.bars[0].height).toBe(0);
    expect(barLayout([], 100, 100).bars).toEqual([]);
  });

  it('draws a broken value as 0', () => {
    expect(barLayout([{ date: 'a', value: Number.NaN }, { date: 'b', value: -5 }], 100, 100).bars.map((b) => b.height)).toEqual([0, 0]);
  });
});
