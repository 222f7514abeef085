import BermoRuntime
import Foundation

/// Reading the lease files of an output directory (who runs which job) without taking part: what
/// `bermo status` needs.
struct LeaseFiles {
    let layout: OutputLayout

    init(_ layout: OutputLayout) { self.layout = layout }

    struct Holder {
        var host: String?
        var pid: Int?
        var slurmJob: String?
        var since: String?
        /// The lease file's modification time: when its holder last renewed it.
        var renewedAt: Date
    }

    /// The holder of `id`'s lease (the file's content when it can be read; its age always).
    func read(_ id: String) -> Holder? {
        let url = layout.jobs.appendingPathComponent("\(id).lease")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let modified = attributes[.modificationDate] as? Date else { return nil }
        let json = FileManager.default.contents(atPath: url.path).flatMap { try? HarnessJSON.decoder().decode(JSONValue.self, from: $0) }
        let slurm = json?["slurm_array_job_id"]?.stringValue.map { job in json?["slurm_array_task_id"]?.stringValue.map { "\(job)_\($0)" } ?? job }
            ?? json?["slurm_job_id"]?.stringValue
        return Holder(host: json?["host"]?.stringValue, pid: json?["pid"]?.intValue, slurmJob: slurm,
                      since: json?["acquired_at"]?.stringValue, renewedAt: modified)
    }

    /// "Now" on the filesystem's clock (the modification time of a file touched now), so lease ages do not
    /// depend on this host's clock agreeing with the hosts that renewed them; the local clock if the
    /// directory cannot be written.
    func filesystemNow() -> Date {
        let probe = layout.jobs.appendingPathComponent(".clock-\(ProcessInfo.processInfo.hostName)-\(getpid())")
        defer { unlink(probe.path) }
        guard FileManager.default.createFile(atPath: probe.path, contents: nil),
              let modified = (try? FileManager.default.attributesOfItem(atPath: probe.path))?[.modificationDate] as? Date
        else { return Date() }
        return modified
    }
}
