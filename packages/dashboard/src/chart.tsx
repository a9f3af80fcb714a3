import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  readonly bars?: boolean;
}

/** A time-series plot (uPlot: small, fast, no network); x is seconds since the epoch. */
export function TimeChart({ x, series, height = 260, title }: { x: readonly number[]; series: readonly Series[]; height?: number; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        title,
        width: Math.max(320, el.clientWidth),
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: s.bars ? s.color : `${s.color}22`, width: 2, ...(s.bars && bars ? { paths: bars } : {}) }))],
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
      },
      [x as number[], ...series.map((s) => s.values as (number | null)[])],
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(320, el.clientWidth), height });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [x, series, height, title]);
  return <div class="chart" ref={box} role="img" aria-label={title} />;
}
