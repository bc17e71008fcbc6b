// ECharts, modular: only the charts and components the app uses, canvas renderer (no eval, CSP-safe).
import { use } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Registered only what a chart of the app sets (bar/line series, grid, tooltip, legend incl.
// its scroll type): heatmap, data zoom, visual map and mark lines were registered but unused.
use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { init, type ECharts, type EChartsCoreOption } from 'echarts/core';
