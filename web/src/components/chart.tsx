/**
 * @module A uPlot time-series chart in a <figure>, sized to its container and resized with it. The
 * canvas says nothing to a screen reader, so the same numbers follow in a collapsed data table.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatTime } from '../lib/format';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  dash?: number[];
}

export interface ChartProps {
  title: string;
  /** Bucket starts, in seconds since the epoch (uPlot's time unit). */
  times: number[];
  series: ChartSeries[];
  unit?: string;
  height?: number;
}

export function Chart({ title, times, series, unit = '', height = 220 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = () => Math.max(320, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height,
        scales: { x: { time: true } },
        axes: [{}, { label: unit || undefined, size: 56 }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, spanGaps: false }))],
      },
      [times, ...series.map((s) => s.values)],
      element,
    );
    // Resizing inside the observer's callback can re-trigger it; a frame later it cannot.
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (Math.abs(plot.width - width()) > 1) plot.setSize({ width: width(), height });
      });
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      plot.destroy();
    };
  }, [times, series, height, unit]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} aria-hidden="true" />
      <details>
        <summary>{title}: data table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Bucket start</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                  {unit && ` (${unit})`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {times.map((t, i) => (
              <tr key={t}>
                <td>{formatTime(new Date(t * 1000).toISOString())}</td>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
