//! How long the generator takes, and how much memory, on the pathological document of
//! `tests/support/deep.rs`: 3,000 object schemas referring to each other and themselves, a
//! chain of 3,000 aliases, a schema with 3,000 properties, inline objects nested sixty deep.
//!
//! `cargo bench -p generator --bench deep` (what `cargo xtask bench` runs). The document is
//! written to `target/bench/deep.json` (the benchmark harness gives other tools the same file),
//! then each run reads, lowers, emits and formats it in a process of its own, so that each has
//! its own peak resident memory (`VmHWM`). Prints the median of five runs and the largest
//! peak, against the targets: under 10 s and under 500 MB.

#[path = "../tests/support/deep.rs"]
mod deep;
#[path = "../../tools/bench/resident.rs"]
mod resident;

use generator::{Generator, Settings};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const SCHEMAS: usize = 3_000;
const RUNS: usize = 5;
const TIME_LIMIT_S: f64 = 10.0;
const MEMORY_LIMIT_MIB: f64 = 500.0;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/deep.json");
    if let Some(at) = args.iter().position(|a| a == "--case") {
        let path = args.get(at + 1).expect("a document to generate");
        let text = std::fs::read_to_string(path).expect("the document");
        let started = Instant::now();
        let generator = Generator::new(Settings::new("api", "deep bench"));
        let api = generator
            .api(&text, "deep.json")
            .expect("the document generates");
        let files = generator.module_files(&api).expect("the code formats");
        let seconds = started.elapsed().as_secs_f64();
        let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
        println!("{seconds} {} {lines}", resident::resident_kib("VmHWM:"));
        return;
    }
    std::fs::create_dir_all(file.parent().expect("a folder")).expect("the bench folder");
    let document = serde_json::to_string(&deep::deep_document(SCHEMAS)).expect("JSON");
    std::fs::write(&file, &document).expect("writing the document");
    let exe = std::env::current_exe().expect("this program's path");
    let mut times = Vec::new();
    let mut peak_kib = 0u64;
    let mut lines = 0usize;
    for run in 1..=RUNS {
        let output = Command::new(&exe)
            .arg("--case")
            .arg(&file)
            .output()
            .expect("the run starts");
        let text = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [seconds, kib, generated] = fields[..] else {
            panic!(
                "run {run} failed: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        let seconds: f64 = seconds.parse().expect("seconds");
        eprintln!("run {run}: {seconds:.2} s, {kib} KiB");
        times.push(seconds);
        peak_kib = peak_kib.max(kib.parse().expect("KiB"));
        lines = generated.parse().expect("lines");
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let peak_mib = peak_kib as f64 / 1024.0;
    println!(
        "\n| document | median of {RUNS} | peak resident memory | generated |\n|---|---|---|---|"
    );
    println!(
        "| {SCHEMAS} recursive schemas, {SCHEMAS} aliases, {SCHEMAS} properties, {} levels of nesting ({:.1} MB of JSON) | {median:.2} s | {peak_mib:.0} MiB | {lines} lines |",
        deep::NESTING,
        document.len() as f64 / 1e6
    );
    println!(
        "\ntime {median:.2} s (target < {TIME_LIMIT_S} s: {}); memory {peak_mib:.0} MiB (target < {MEMORY_LIMIT_MIB} MiB: {})",
        verdict(median < TIME_LIMIT_S),
        verdict(peak_mib < MEMORY_LIMIT_MIB)
    );
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}
