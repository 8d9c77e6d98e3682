import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only what the overview draws, so the bundle stays small.
Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  BarController,
  BarElement,
  Legend,
  Tooltip,
);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * A Chart.js canvas. Chart.js sizes the canvas through the CSSOM (element.style.x = …), which a CSP
 * without 'unsafe-inline' allows; it never writes style attributes or <style> elements.
 */
export function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, {
      ...config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        ...(reducedMotion() ? { animation: false } : {}),
        ...config.options,
      },
    } as ChartConfiguration);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
