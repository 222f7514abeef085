#ifndef BERMO_COPENBLAS_SHIM_H
#define BERMO_COPENBLAS_SHIM_H
// Debian's libopenblas-dev puts cblas.h under an include directory that pkg-config reports.
#include <cblas.h>
// Thread control lives outside the CBLAS standard.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
