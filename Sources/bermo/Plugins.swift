import BermoHarness
import GLUEPlugin
import PruningPlugin
import SentEvalPlugin

/// The one place the CLI learns which task plugins exist. The harness knows none of them; each plugin
/// module is imported here and registered under the id suites use in `plugin:`. Registration is lazy:
/// a plugin is constructed the first time a suite names it.
enum Plugins {
    static func registry() -> PluginRegistry {
        let registry = PluginRegistry()
        // One line per task plugin.
        registry.register("senteval.probe") { SentEvalProbePlugin() }
        registry.register("senteval.control") { ControlTaskPlugin() }
        registry.register("glue.finetune") { GLUEFinetunePlugin() }
        registry.register("glue.prune") { GLUEPrunePlugin() }
        return registry
    }
}
