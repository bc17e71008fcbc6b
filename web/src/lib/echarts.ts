// ECharts, modular: only the charts and components the app uses, canvas renderer (no eval, CSP-safe).
import { use } from 'echarts/core';
import { BarChart, LineChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, VisualMapComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, VisualMapComponent, MarkLineComponent, CanvasRenderer]);

export { init, type ECharts, type EChartsCoreOption } from 'echarts/core';

export const SEVERITY_COLORS: Record<string, string> = { critical: '#f85149', high: '#f0883e', medium: '#d29922', low: '#6e7681' };
export const PALETTE = ['#4493f8', '#3fb950', '#d29922', '#f85149', '#a371f7', '#39c5cf', '#f0883e', '#db61a2', '#8b949e', '#56d364', '#e3b341'];
