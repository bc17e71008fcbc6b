// Series colours of the charts (kept apart from lib/echarts.ts so using them does not load ECharts).
export const SEVERITY_COLORS: Record<string, string> = { critical: '#f85149', high: '#f0883e', medium: '#d29922', low: '#6e7681' };
export const PALETTE = ['#4493f8', '#3fb950', '#d29922', '#f85149', '#a371f7', '#39c5cf', '#f0883e', '#db61a2', '#8b949e', '#56d364', '#e3b341'];
