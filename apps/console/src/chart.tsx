import { barLayout, type ReportPoint } from './logic/chart';
import { formatBytes } from './logic/format';

const WIDTH = 600;
const HEIGHT = 140;
const AXIS = 64;

/** A report as a bar chart in inline SVG: one bar a day, each with its date and value as its tooltip. */
export function BytesPerDayChart({ title, points, testId }: { title: string; points: readonly ReportPoint[]; testId: string }) {
  const { bars, top } = barLayout(points, WIDTH, HEIGHT);
  const first = bars[0]?.date;
  const last = bars[bars.length - 1]?.date;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH + AXIS} ${HEIGHT + 20}`} role="img" aria-label={`${title}, ${bars.length} days`}>
        <text x={AXIS - 6} y={10} textAnchor="end" className="axis">
          {formatBytes(top)}
        </text>
        <text x={AXIS - 6} y={HEIGHT} textAnchor="end" className="axis">
          0
        </text>
        <line x1={AXIS} y1={HEIGHT} x2={AXIS + WIDTH} y2={HEIGHT} className="baseline" />
        <g transform={`translate(${AXIS} 0)`}>
          {bars.map((bar) => (
            <rect key={bar.date} x={bar.x} y={bar.y} width={bar.width} height={bar.height} className="bar">
              <title>{`${bar.date}: ${formatBytes(bar.value)}`}</title>
            </rect>
          ))}
        </g>
        {first && (
          <text x={AXIS} y={HEIGHT + 16} className="axis">
            {first}
          </text>
        )}
        {last && (
          <text x={AXIS + WIDTH} y={HEIGHT + 16} textAnchor="end" className="axis">
            {last}
          </text>
        )}
      </svg>
    </figure>
  );
}
