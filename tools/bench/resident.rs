//! Memory of the running process, for the benchmarks of every crate (each includes this file
//! with `#[path]`, so there is one copy).

/// A line of `/proc/self/status`, in KiB: `VmRSS:` (resident now) or `VmHWM:` (the peak);
/// 0 where the system has no such file.
pub fn resident_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
