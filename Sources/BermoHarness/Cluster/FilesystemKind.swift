import Foundation

/// Whether a folder sits on a filesystem other nodes of a cluster can see: the output directory, the model
/// cache and the data of a submitted suite must, or array tasks on other nodes find nothing. Read from the
/// mount table (`/proc/self/mounts`: the mount point that is the longest prefix of the path); types that
/// are neither known network nor known local filesystems are not judged.
public enum FilesystemKind {
    static let shared: Set<String> = ["nfs", "nfs4", "lustre", "gpfs", "beegfs", "ceph", "cifs", "smb3", "9p", "glusterfs",
                                      "fuse.glusterfs", "fuse.sshfs", "panfs", "wekafs", "orangefs", "pvfs2"]
    static let local: Set<String> = ["ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "vfat", "zfs", "f2fs"]

    /// ("nfs4", true), ("ext4", false), or nil when the type is unknown or the mount table unreadable.
    public static func of(_ url: URL, mounts: String? = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) -> (name: String, shared: Bool)? {
        guard let mounts else { return nil }
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Mount points escape spaces as \040.
            let point = fields[1].replacingOccurrences(of: "\\040", with: " "), type = String(fields[2])
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside && point.count >= (best?.point.count ?? -1) { best = (point, type) }
        }
        guard let type = best?.type else { return nil }
        if shared.contains(type) { return (type, true) }
        if local.contains(type) { return (type, false) }
        return nil
    }
}
