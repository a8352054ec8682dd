/** The tracer's module (issue 11): case registry, trajectory, companions; see types.ts for the contract. */
export type * from './types.ts';
export { addCase, getCase, importCases, importNumbers, listCases, requireTraceable } from './registry.ts';
export type { BadRow, CaseInput, ImportSummary } from './registry.ts';
export { trajectory } from './trajectory.ts';
export { DEFAULT_COMPANION_OPTIONS, companions, companionsCsv, distribution } from './companions.ts';
export { buildTraceLayout, hasTraceLayout } from './layout.ts';
export { defaultWindow, WINDOW_DAYS } from './window.ts';
