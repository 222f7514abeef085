import BermoTestSupport
import Foundation
import Testing

/// One `bermo submit slurm`: an array of 3 one-CPU workers and the finalize job that waits for them.
struct Submission {
    let array: String
    let finalize: String

    /// Submits `suite` into `output` and checks what the command says it did (its line and submission.json).
    static func submit(_ cluster: LocalCluster, suite: URL, output: URL, extra: [String] = []) throws -> Submission {
        let r = try cluster.bermo(["submit", "slurm", suite.path, "--output-dir", output.path, "--array", "3",
                                   "--cpus-per-task", "1", "--time", "00:20:00"] + extra)
        try #require(r.status == 0, "bermo submit slurm failed (exit \(r.status)):\n\(r.stdout)\(r.stderr)")
        let said = try #require((r.stdout + r.stderr).firstMatch(of: /submitted array job (\d+) \(3 tasks\) and finalize job (\d+)/),
                                "bermo submit slurm did not say what it submitted:\n\(r.stdout)\(r.stderr)")
        let submission = Submission(array: String(said.1), finalize: String(said.2))
        let file = output.appendingPathComponent("slurm/submission.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect(json?["array_job_id"] as? String == submission.array && json?["finalize_job_id"] as? String == submission.finalize,
                "\(file.path): \(json ?? [:]) vs printed \(submission)")
        return submission
    }
}

/// A worker's lease on a job: `jobs/<id>.lease`, JSON with at least the holder's `host` and `pid`.
struct Lease {
    let job: String
    let pid: Int32
    let json: [String: Any]

    static func all(in output: URL) -> [Lease] {
        let jobs = output.appendingPathComponent("jobs")
        let files = (try? FileManager.default.contentsOfDirectory(at: jobs, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "lease" }.compactMap { url in
            // A lease being written may not parse yet: it is read again at the next poll.
            guard let data = try? Data(contentsOf: url),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let pid = (json["pid"] as? NSNumber)?.int32Value else { return nil }
            return Lease(job: url.deletingPathExtension().lastPathComponent, pid: pid, json: json)
        }
    }

    /// The holder is a live `bermo` process on this machine (no zombie: `/proc/<pid>/stat` is `pid (comm) state ...`).
    var holderIsRunning: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: open)..<close] == "bermo" && !stat[close...].hasPrefix(") Z")
    }

    /// The holder's array task as `A_i` (what `scancel` and `scontrol requeue` take; an array task's own job id
    /// can equal the array's, which would cancel every task): from the holder's environment, else the lease.
    var arrayTask: String? {
        if let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") {
            var env: [String: String] = [:]
            for entry in data.split(separator: 0) {
                let s = String(decoding: entry, as: UTF8.self)
                if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            }
            if let a = env["SLURM_ARRAY_JOB_ID"], let t = env["SLURM_ARRAY_TASK_ID"] { return "\(a)_\(t)" }
        }
        func field(_ key: String) -> String? {
            (json[key] as? String) ?? (json[key] as? NSNumber)?.stringValue
        }
        if let a = field("slurm_array_job_id"), let t = field("slurm_array_task_id") { return "\(a)_\(t)" }
        return nil
    }
}

extension Outputs {
    /// `bermo status <dir> --json`: every job of `ids` is done.
    static func expectAllDone(_ cluster: LocalCluster, _ dir: URL, ids: Set<String>) throws {
        let r = try cluster.bermo(["status", dir.path, "--json"])
        #expect(r.status == 0, "bermo status failed: \(r.stderr)")
        let doc = try #require(try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                               "bermo status --json printed no JSON object:\n\(r.stdout)")
        let jobs = (doc["jobs"] as? [[String: Any]]) ?? []
        #expect(Set(jobs.compactMap { $0["id"] as? String }) == ids, "bermo status jobs: \(canonical(jobs))")
        for j in jobs { #expect(j["state"] as? String == "done", "bermo status: \(canonical(j))") }
        #expect((doc["totals"] as? [String: Any])?["done"] as? Int == ids.count, "bermo status totals: \(canonical(doc["totals"]))")
    }
}
