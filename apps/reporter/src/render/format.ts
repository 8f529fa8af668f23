/** Number and percentage formatting shared by the HTML and text renderers. */
export function fmtNumber(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(3);
}

export function fmtPercent(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? 'new' : 'gone';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;
}

export function fmtP(p: number | undefined): string {
  if (p === undefined || Number.isNaN(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An anomaly score (0–1, the detector's scale: alerts from 0.5): three decimals, `—` when unknown. */
export function fmtScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(3) : '—';
}
