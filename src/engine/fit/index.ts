export { fitModelSize, COMMON_QUANTS, type FitModelSizeOptions, type FitReport } from "./fitModelSize.ts";
export { chooseQuant, type QuantFit, type QuantChoice } from "./chooseQuant.ts";
export { planQuantFits, maxFullContext } from "./planQuantFits.ts";
export { estimateFit, type FitEstimate } from "./estimateFit.ts";
export { machineHasGpu, describeFitMachine, BACKEND_CHOICES, type FitMachine, type GpuBackend, type BackendChoice, type MachineFacts } from "./machine.ts";
export { detectFitMachine, detectMachine, BackendUnavailableError, type DetectMachineOptions } from "./detectMachine.ts";
export { parseMemorySize } from "./parseSize.ts";
