import BermoHarness
import Foundation
import Testing

/// The sbatch scripts `bermo submit slurm` writes, and how it judges whether a folder is on a shared filesystem.
@Suite struct SlurmScriptTests {
    func script() -> SlurmJobScript {
        var resources = SlurmJobScript.Resources(arrayTasks: 3, cpusPerTask: 2)
        resources.partition = "cpu"; resources.time = "04:00:00"; resources.mem = "8G"
        resources.extra = ["--constraint=avx2"]
        return SlurmJobScript(suiteName: "glue", bermo: URL(fileURLWithPath: "/opt/bermo/bin/bermo"),
                              suite: URL(fileURLWithPath: "/shared/suites/my glue.yaml"), outputDirectory: URL(fileURLWithPath: "/shared/out"),
                              resources: resources, runOptions: ["--max-attempts", "2", "--limit", "40"],
                              environment: [("BERMO_CACHE", "/shared/cache"), ("BERMO_DATA", "/shared/data")])
    }

    @Test func theArrayScriptRunsWorkersThatReceiveSlurmsSignal() {
        let text = script().arrayText
        for line in ["#!/bin/bash", "#SBATCH --array=0-2", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=04:00:00",
                     "#SBATCH --mem=8G", "#SBATCH --requeue", "#SBATCH --signal=B:TERM@120", "#SBATCH --constraint=avx2",
                     "#SBATCH --output=/shared/out/slurm/logs/%A_%a.out", "export BERMO_CACHE=/shared/cache",
                     "exec /opt/bermo/bin/bermo run '/shared/suites/my glue.yaml' --output-dir /shared/out --worker \\",
                     "  --threads \"${SLURM_CPUS_PER_TASK:-2}\" --max-attempts 2 --limit 40"] {
            #expect(text.contains(line + "\n"), "missing `\(line)` in:\n\(text)")
        }
        #expect(!text.contains("--account") && !text.contains("--qos"))
    }

    @Test func theFinalizeScriptRunsNoJobAndOneCPU() {
        let text = script().finalizeText
        #expect(text.contains("#SBATCH --cpus-per-task=1\n") && !text.contains("--array") && !text.contains("--time"))
        #expect(text.contains("--output-dir /shared/out --finalize --max-attempts 2 --limit 40\n"))
    }

    @Test func theMountTableSaysWhetherAFolderIsShared() {
        let mounts = """
            /dev/vda / ext4 rw 0 0
            server:/export /shared nfs4 rw 0 0
            tmpfs /shared/tmp tmpfs rw 0 0
            lustre@o2ib:/fs /lus lustre rw 0 0
            weird /odd\\040dir myfs rw 0 0
            """
        #expect(FilesystemKind.of(URL(fileURLWithPath: "/shared/out/x"), mounts: mounts)! == ("nfs4", true))
        #expect(FilesystemKind.of(URL(fileURLWithPath: "/shared/tmp/x"), mounts: mounts)! == ("tmpfs", false))
        #expect(FilesystemKind.of(URL(fileURLWithPath: "/lus/project"), mounts: mounts)! == ("lustre", true))
        #expect(FilesystemKind.of(URL(fileURLWithPath: "/home/me"), mounts: mounts)! == ("ext4", false))
        #expect(FilesystemKind.of(URL(fileURLWithPath: "/sharedx"), mounts: mounts)! == ("ext4", false))
        #expect(FilesystemKind.of(URL(fileURLWithPath: "/odd dir/a"), mounts: mounts) == nil)
    }
}
