// Planning: how a model runs on a machine (memory, layers, context, threads, speed) and which
// quant of it to get. Used by plan, fit, pull, the model library's verdicts and model loading.
export { planLoad, LoadPlanError, DEFAULT_CONTEXT, MIN_AUTO_CONTEXT, type LoadPlan, type LoadWishes, type PlanLoadOptions } from "./planLoad.ts";
export { fitModelSize, COMMON_QUANTS, type FitModelSizeOptions, type FitReport } from "./fitModelSize.ts";
export { chooseRepoModel, type RepoChoice, type RepoCandidate, type ChooseRepoModelOptions } from "./chooseRepoModel.ts";
export { chooseQuant, speedWanted, formatSpeed, formatKld, DEFAULT_MIN_SPEED, type QuantChoice, type RunnerUp, type ChooseQuantOptions } from "./chooseQuant.ts";
export { rateQuants, type QuantFit, type RateQuantsOptions } from "./rateQuants.ts";
export { modelVerdict, type ModelVerdict } from "./modelVerdict.ts";
export { estimateFit, fitsFullyOnGpu, unifiedMemoryFits, VRAM_MARGIN, RAM_MARGIN, type FitEstimate } from "./estimateFit.ts";
export { estimateSpeed, BANDWIDTH_EFFICIENCY, type SpeedEstimate, type EstimateSpeedOptions } from "./estimateSpeed.ts";
export { machineBandwidths, knownGpuBandwidth, type Bandwidth, type MachineBandwidths } from "./bandwidth.ts";
export { largestContext, maxFullContext, CONTEXT_STEP } from "./contextSearch.ts";
export { shapeForSize, shapeFromFacts, type ShapeSource } from "./shapes.ts";
export { machineHasGpu, describeFitMachine, BACKEND_CHOICES, type FitMachine, type GpuBackend, type BackendChoice, type MachineFacts } from "./machine.ts";
export { detectFitMachine, detectMachine, BackendUnavailableError, type DetectMachineOptions } from "./detectMachine.ts";
export { parseMemorySize } from "./parseSize.ts";
