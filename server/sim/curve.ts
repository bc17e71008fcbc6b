// The daily order curve (UTC hours): quiet nights, a business-hours plateau peaking late morning
// and mid-afternoon. Weights are normalised so the mean over a day is 1.
const HOURLY = [0.3, 0.25, 0.2, 0.2, 0.25, 0.4, 0.7, 1.1, 1.5, 1.7, 1.8, 1.8, 1.6, 1.7, 1.8, 1.7, 1.5, 1.2, 0.9, 0.7, 0.6, 0.5, 0.4, 0.35];
const MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;

export const CURVE = HOURLY.map((w) => w / MEAN);
export const CURVE_MAX = Math.max(...CURVE);

/** Relative order intensity at an instant (1 = daily mean). */
export function intensity(ts: number): number {
  return CURVE[new Date(ts).getUTCHours()];
}
