/** One day of a resource report: its UTC date and the bytes of that day. */
export interface ReportPoint {
  readonly date: string;
  readonly value: number;
}

export interface Bar {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly date: string;
  readonly value: number;
}

export interface BarLayout {
  readonly bars: readonly Bar[];
  /** The value the top of the plot stands for: the largest, or 1 when every day is 0. */
  readonly top: number;
}

/**
 * Bars for a report in a plot of `width` × `height` (SVG units, y down), oldest on the left,
 * with a gap between bars; a day above 0 gets at least one unit of height so that it shows.
 */
export function barLayout(points: readonly ReportPoint[], width: number, height: number): BarLayout {
  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const top = Math.max(1, ...sorted.map((p) => (Number.isFinite(p.value) && p.value > 0 ? p.value : 0)));
  const slot = sorted.length === 0 ? 0 : width / sorted.length;
  const gap = Math.min(2, slot * 0.2);
  const bars = sorted.map((point, index) => {
    const value = Number.isFinite(point.value) && point.value > 0 ? point.value : 0;
    const barHeight = value === 0 ? 0 : Math.max(1, (value / top) * height);
    return { x: index * slot + gap / 2, y: height - barHeight, width: slot - gap, height: barHeight, date: point.date, value };
  });
  return { bars, top };
}
