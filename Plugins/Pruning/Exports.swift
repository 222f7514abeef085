// The pruning kernels are part of this plugin's API (`MaskContext.scratch`, `PruningSchedule.optimizer`,
// the helpers a new `PruningMethod` uses): a module that imports PruningPlugin sees them too.
@_exported import PruningKernels
