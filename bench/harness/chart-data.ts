/** Series the scenarios leave for the charts that run.ts draws at the end. */
export const chartData: {
  domLatency?: { tandem: number[]; baseline: number[] };
  sessions?: { sessions: number; p99Ms: number; cpuPercent: number; rssMiB: number; baselineP99Ms: number; cpuPerFrameRatio: number }[];
} = {};
