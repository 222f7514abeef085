import BermoHarness
import GLUEPlugin
import PruningPlugin
import SentEvalPlugin

/// The one place bermo learns which plugins exist. The harness knows none of them; each plugin module is
/// imported here and registered under the id suites use in `plugin:`. Their reports (`bermo report`),
/// datasets (`bermo data fetch`) and benchmarks (`bermo bench`) are found through the registry, so adding
/// a plugin is one file of its own plus one line here. Registration is lazy: a plugin is constructed the
/// first time it is asked for.
public enum Plugins {
    public static func registry() -> PluginRegistry {
        let registry = PluginRegistry()
        // One line per task plugin.
        registry.register("senteval.probe") { SentEvalProbePlugin() }
        registry.register("senteval.control") { ControlTaskPlugin() }
        registry.register("glue.finetune") { GLUEFinetunePlugin() }
        registry.register("glue.prune") { GLUEPrunePlugin() }
        return registry
    }
}
