#ifndef BERMO_CYAML_SHIM_H
#define BERMO_CYAML_SHIM_H
// libyaml's event parser (Debian: libyaml-dev, pkg-config `yaml-0.1`); the harness builds its own tree.
#include <yaml.h>
#endif
