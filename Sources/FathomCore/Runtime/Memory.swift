#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the machine can hold, for refusing a request before an allocation that would abort
/// the process (Swift traps when memory cannot be had).
public enum Memory {
    /// Physical memory plus swap, in bytes (from /proc/meminfo; physical pages where that
    /// cannot be read).
    public static let totalBytes: Double = {
        if let text = try? FileSystem.readText("/proc/meminfo") {
            var total = 0.0
            for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") || line.hasPrefix("SwapTotal:") {
                let kib = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
                total += kib * 1024
            }
            if total > 0 { return total }
        }
        return Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }()
}
