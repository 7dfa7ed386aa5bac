#!/usr/bin/env python3
"""Codegen and build-time benchmark of this project against progenitor and openapi-generator.

Run through `cargo xtask bench`. Installs the peers when missing (cargo-progenitor with
`cargo install --locked`; openapi-generator from the PyPI package `openapi-generator-cli`, in
a virtual environment under target/bench, running on the machine's Java), measures each spec in
specs/ with every tool (interleaved, repeated, medians), the rebuild time of each main-API crate,
then runs the client's criterion benchmarks, the 1 GiB transfer benchmark, the soak run and the
generator on a pathological document (with progenitor on the same file). Prints Markdown
tables.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "bench"
SPECS = ["daytona-api", "daytona-toolbox", "daytona-api-keys"]
RUNS = 5
REBUILDS = 5


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_peers():
    if shutil.which("cargo-progenitor") is None:
        print("installing cargo-progenitor …", flush=True)
        run(["cargo", "install", "cargo-progenitor", "--locked"])
    venv = WORK / "venv"
    oag = venv / "bin" / "openapi-generator-cli"
    if not oag.exists():
        print("installing openapi-generator-cli …", flush=True)
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "pip"), "install", "-q", "openapi-generator-cli"])
    return str(oag)


def progenitor_copy(name):
    """The spec patched only as far as progenitor needs to run: it cannot generate multipart or
    */* request bodies, nor read an OpenAPI 3.1 header."""
    import yaml  # PyYAML, present with the machine's Python; installed into the venv otherwise

    doc = yaml.safe_load((ROOT / "specs" / f"{name}.yaml").read_text())
    removed = []
    for path, item in list(doc["paths"].items()):
        for method, op in list(item.items()):
            body = op.get("requestBody", {}) if isinstance(op, dict) else {}
            content = body.get("content", {}) if isinstance(body, dict) else {}
            if "multipart/form-data" in content or "*/*" in content:
                removed.append(op.get("operationId"))
                del item[method]
        if not item:
            del doc["paths"][path]
    patches = [f"removed {', '.join(removed)}"] if removed else []
    if str(doc["openapi"]).startswith("3.1"):
        doc["openapi"] = "3.0.3"
        patches.append("3.1 header → 3.0.3")
    target = WORK / "specs" / f"{name}.progenitor.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc, default=str))
    return target, "; ".join(patches) or "as is"


def measure(cmd):
    """Wall seconds and peak RSS (KiB) of one run."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    seconds, kib = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib)


def lines(folder):
    return sum(len(p.read_text(errors="replace").splitlines()) for p in Path(folder).rglob("*.rs"))


class Rebuild:
    """A crate whose rebuild alone (dependencies already built) is timed."""

    def __init__(self, label, crate_dir, target_dir, package=None, features=None):
        self.label = label
        self.crate_dir = Path(crate_dir)
        self.package = package
        # With features named, only those (`--no-default-features`).
        self.features = ["--no-default-features", "--features", features] if features else []
        self.env = dict(os.environ, CARGO_INCREMENTAL="0", CARGO_TARGET_DIR=str(target_dir))
        self.times = []
        manifest = self.crate_dir / "Cargo.toml"
        if not package and "[workspace]" not in manifest.read_text():
            # A generated crate under target/ is not part of this workspace.
            manifest.write_text(manifest.read_text() + "\n[workspace]\n")
        self.lib = self.crate_dir / ("generated-client/src/lib.rs" if package else "src/lib.rs")

    def build(self):
        cmd = ["cargo", "build", "-q"] + (["-p", self.package] if self.package else []) + self.features
        # The peers' crates print hundreds of warnings; only a failure's output is shown.
        out = subprocess.run(cmd, cwd=self.crate_dir, env=self.env, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"build failed in {self.crate_dir}\n{out.stderr[-3000:]}")

    def time_once(self):
        self.lib.touch()
        start = time.monotonic()
        self.build()
        self.times.append(time.monotonic() - start)

    def median(self):
        return statistics.median(self.times)


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    oag = ensure_peers()
    run(["cargo", "build", "-q", "--release", "-p", "xtask"], cwd=ROOT)
    ours = str(ROOT / "target" / "release" / "xtask")

    tools = {}
    patched = {}
    for name in SPECS:
        spec = str(ROOT / "specs" / f"{name}.yaml")
        copy, note = progenitor_copy(name)
        patched[name] = note
        tools[name] = {
            "this project": lambda out, spec=spec, name=name: [
                ours, "generate", "--spec", spec, "--out", out, "--crate-name", name],
            "progenitor": lambda out, name=name, copy=copy: [
                "cargo", "progenitor", "-i", str(copy), "-o", out, "-n", name, "-v", "0.1.0"],
            "openapi-generator": lambda out, name=name, spec=spec: [
                oag, "generate", "-i", spec, "-g", "rust", "-o", out, "--library", "reqwest",
                "--package-name", name.replace("-", "_")],
        }

    results = {}
    for name in SPECS:
        for run_index in range(RUNS):  # interleaved: each round runs every tool once
            for tool, command in tools[name].items():
                out = WORK / "out" / tool.replace(" ", "-") / name
                shutil.rmtree(out, ignore_errors=True)
                seconds, kib = measure(command(str(out)))
                entry = results.setdefault((name, tool), {"s": [], "kib": [], "dir": out})
                entry["s"].append(seconds)
                entry["kib"].append(kib)

    print("\n## Codegen (median of %d runs, interleaved)\n" % RUNS)
    print("| spec | tool | wall time | peak memory | lines of Rust | patched |")
    print("|---|---|---|---|---|---|")
    totals = {}
    for name in SPECS:
        for tool in tools[name]:
            entry = results[(name, tool)]
            median = statistics.median(entry["s"])
            totals[tool] = totals.get(tool, 0) + median
            src = entry["dir"] / "src" if (entry["dir"] / "src").exists() else entry["dir"]
            note = patched[name] if tool == "progenitor" else "as is"
            print(f"| {name} | {tool} | {median:.2f} s | {max(entry['kib']) / 1024:.0f} MiB "
                  f"| {lines(src)} | {note} |")
    ours_total = totals["this project"]
    print("\n| all specs | total | ratio to this project | target |\n|---|---|---|---|")
    targets = {"progenitor": 4, "openapi-generator": 20}
    for tool, total in totals.items():
        ratio = total / ours_total
        target = targets.get(tool)
        verdict = "" if target is None else f"≥ {target}×: {'met' if ratio >= target else 'not met'}"
        print(f"| {tool} | {total:.2f} s | {ratio:.1f}× | {verdict} |")

    # Like for like: each tool's crate for the main API alone. This project's is the standalone
    # crate `cargo xtask generate` writes, depending on the client-runtime crate (built once, like
    # the peers' runtime crates); the same crate with the runtime copied into it, as the layout
    # was before the runtime had a crate of its own, and daytona-client (both APIs, workflows)
    # are timed beside them.
    standalone = {}
    for runtime in ["path", "vendor"]:
        out = WORK / f"ours-api-{runtime}"
        shutil.rmtree(out, ignore_errors=True)
        run([ours, "generate", "--spec", str(ROOT / "specs" / "daytona-api.yaml"), "--out",
             str(out), "--crate-name", "daytona-api", "--runtime", runtime],
            stdout=subprocess.DEVNULL)
        standalone[runtime] = out
    crates = [
        Rebuild("this project (`cargo xtask generate`, main API, depends on client-runtime)",
                standalone["path"], WORK / "target-ours"),
        Rebuild("progenitor (main API)", results[("daytona-api", "progenitor")]["dir"],
                WORK / "target-progenitor"),
        Rebuild("openapi-generator (main API)", results[("daytona-api", "openapi-generator")]["dir"],
                WORK / "target-oag"),
        Rebuild("this project: daytona-client (main API, toolbox, workflows)", ROOT,
                ROOT / "target", package="daytona-client"),
        Rebuild("this project: daytona-client, feature `sandbox-essentials` only", ROOT,
                ROOT / "target", package="daytona-client", features="sandbox-essentials"),
        Rebuild("this project, before: the same main-API crate with the runtime compiled in "
                "(`--runtime vendor`)", standalone["vendor"], WORK / "target-ours-vendored"),
    ]
    print("\nbuilding the generated crates' dependencies …", flush=True)
    for crate in crates:
        crate.build()
    for _ in range(REBUILDS):  # interleaved, like codegen
        for crate in crates:
            crate.time_once()
    ours_rebuild = crates[0].median()
    print("\n## Rebuild of the generated crate alone (CARGO_INCREMENTAL=0, debug, median of %d, "
          "interleaved)\n" % REBUILDS)
    print("| crate | rebuild | runs | ratio to progenitor | ratio to openapi-generator |")
    print("|---|---|---|---|---|")
    progenitor_rebuild, oag_rebuild = crates[1].median(), crates[2].median()
    for crate in crates:
        runs = ", ".join(f"{t:.1f}" for t in crate.times)
        print(f"| {crate.label} | {crate.median():.1f} s | {runs} "
              f"| {crate.median() / progenitor_rebuild:.2f}× | {crate.median() / oag_rebuild:.2f}× |")
    for peer, peer_time, target in [("progenitor", progenitor_rebuild, 0.5),
                                    ("openapi-generator", oag_rebuild, 0.35)]:
        ratio = ours_rebuild / peer_time
        verdict = "met" if ratio <= target else "not met"
        print(f"\nmain-API rebuild vs {peer}: {ratio:.2f}× (target ≤ {target}×): {verdict}")
    full, essentials = crates[3].median(), crates[4].median()
    verdict = "met" if essentials / full <= 0.25 else "not met"
    print(f"\nsandbox-essentials vs the full daytona-client: {essentials / full:.2f}× "
          f"(target ≤ 0.25×): {verdict}")

    print("\n## Client (criterion)\n", flush=True)
    run(["cargo", "bench", "-p", "daytona-client", "--bench", "client"], cwd=ROOT)

    print("\n## Transfers of 1 GiB (client and bare reqwest, one process per transfer)\n", flush=True)
    run(["cargo", "bench", "-p", "daytona-client", "--bench", "transfer"], cwd=ROOT)

    print("\n## Soak: 10,000 requests, 100 in flight, against a server that fails as services do\n",
          flush=True)
    run(["cargo", "bench", "-p", "daytona-client", "--bench", "soak"], cwd=ROOT)

    print("\n## A pathological document: 3,000 recursive schemas deep and wide\n", flush=True)
    run(["cargo", "bench", "-p", "generator", "--bench", "deep"], cwd=ROOT)
    # The peer on the same file (the bench above writes it).
    deep = WORK / "deep.json"
    out = WORK / "out" / "deep-progenitor"
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", "cargo", "progenitor", "-i", str(deep),
                           "-o", str(out), "-n", "deep", "-v", "0.1.0"],
                          capture_output=True, text=True)
    seconds, kib = done.stderr.strip().splitlines()[-1].split()[-2:]
    outcome = "generated" if done.returncode == 0 else (
        "stack overflow" if "overflowed its stack" in done.stderr else f"failed ({done.returncode})")
    print(f"\nprogenitor on the same document: {outcome} after {seconds} s, "
          f"{int(kib) / 1024:.0f} MiB peak")


if __name__ == "__main__":
    main()
