// Gate files (docs/gating.md): what a contract or load run must satisfy, with waivers.
export * from './model.ts';
export { GateFileError, loadGateFile, parseGate } from './file.ts';
export { globMatches, pointerMatches, waiverMatches } from './match.ts';
export { DEFAULT_GATE_CHECKS, type GateOutcome, applyGateToFindings, assertGateTarget, contractGateResult, gateChecks, gateToday } from './apply.ts';
export { daysAgo, gateVerdictLine, isCalendarDate, waiverLabel } from './words.ts';
export { gateLoadThresholds, loadGateLines, loadGateProblems, loadGateResult, withGateThresholds } from './load-run.ts';
