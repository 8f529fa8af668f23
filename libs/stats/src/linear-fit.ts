/** Ordinary least-squares line through the finite points: slope (per ms), intercept at t = 0 and R². O(n). */
export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  readonly r2: number;
  readonly n: number;
}

export function linearFit(times: ArrayLike<number>, values: ArrayLike<number>): LinearFit | undefined {
  let n = 0;
  let mt = 0;
  let mv = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    mt += (times[i]! - mt) / n;
    mv += (v - mv) / n;
  }
  if (n < 3) return undefined;
  let stt = 0;
  let stv = 0;
  let svv = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const dt = times[i]! - mt;
    const dv = v - mv;
    stt += dt * dt;
    stv += dt * dv;
    svv += dv * dv;
  }
  if (stt === 0) return undefined;
  const slope = stv / stt;
  const r2 = svv === 0 ? 1 : (stv * stv) / (stt * svv);
  return { slope, intercept: mv - slope * mt, r2, n };
}
