// The kernels are part of the runtime's API: a module that imports BermoRuntime sees them too.
@_exported import BermoKernels
