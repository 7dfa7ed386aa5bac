#!/usr/bin/env python3
"""The spec-diff check of a pull request: report the API change as one pull-request comment
(created on the first push, updated on each later one), as the job summary and as annotations,
and fail when a wire-breaking change is not acknowledged in specs/spec-diff-ignore.txt.

Run by .github/workflows/spec-diff.yml; runs the same anywhere with a fake event (see the
README, "Reviewing an API change"):

    GITHUB_EVENT_PATH=event.json GITHUB_REPOSITORY=owner/repo GITHUB_TOKEN=... \\
    GITHUB_API_URL=http://127.0.0.1:PORT python3 tools/spec-diff-pr/spec_diff_pr.py

Environment: GITHUB_EVENT_PATH (a pull_request event: its number and base sha are read),
GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL (default the public API), GITHUB_STEP_SUMMARY
(optional), XTASK (how to run xtask; default `cargo xtask`).
Arguments: none (every spec in specs/ against the base sha), or `--spec OLD NEW` pairs;
`--ignore FILE` overrides the ignore file.

Exit status: 0 when nothing unacknowledged breaks the wire, 1 when something does, 2 when the
check itself could not run.
"""

import json
import os
import shlex
import subprocess
import sys
import urllib.error
import urllib.request

# The first line of the comment: how later runs find it to update it.
MARKER = "<!-- spec-diff-report -->"
# GitHub refuses comments over 65,536 characters.
COMMENT_LIMIT = 60_000
# Comments are read a page at a time; a pull request with more than this many pages of
# comments gets a new one rather than an endless walk.
MAX_PAGES = 20
TIMEOUT_SECONDS = 30


def fail(message):
    print(f"spec-diff-pr: {message}", file=sys.stderr)
    sys.exit(2)


def xtask(args):
    command = shlex.split(os.environ.get("XTASK", "cargo xtask")) + args
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        fail(f"`{' '.join(command)}` failed ({result.returncode}):\n{result.stderr}")
    sys.stderr.write(result.stderr)
    return result.stdout


def api(method, path, body=None):
    base = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}",
            "Content-Type": "application/json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        fail(f"{method} {path}: {error.code} {error.read().decode(errors='replace')[:500]}")
    except urllib.error.URLError as error:
        fail(f"{method} {path}: {error.reason}")


def comment_body(report):
    footer = (
        "\n---\nTo accept an intended wire-breaking change, add the key after its entry "
        "(`rule-id location`) to `specs/spec-diff-ignore.txt`, with the reason after `#`."
    )
    body = f"{MARKER}\n{report}"
    if len(body) + len(footer) > COMMENT_LIMIT:
        cut = body[: COMMENT_LIMIT - 200].rsplit("\n", 1)[0]
        omitted = body.count("\n") - cut.count("\n")
        body = f"{cut}\n\n… {omitted} more lines: the full report is in the job summary."
    return body + footer


def upsert_comment(repository, number, body):
    """Updates this check's comment on the pull request, or creates it; returns its id."""
    for page in range(1, MAX_PAGES + 1):
        comments = api("GET", f"/repos/{repository}/issues/{number}/comments?per_page=100&page={page}")
        for comment in comments:
            if comment.get("body", "").startswith(MARKER):
                api("PATCH", f"/repos/{repository}/issues/comments/{comment['id']}", {"body": body})
                return comment["id"]
        if len(comments) < 100:
            break
    return api("POST", f"/repos/{repository}/issues/{number}/comments", {"body": body})["id"]


def main(argv):
    pairs, ignore = [], []
    while argv:
        if argv[0] == "--spec" and len(argv) >= 3:
            pairs.append(argv[1:3])
            argv = argv[3:]
        elif argv[0] == "--ignore" and len(argv) >= 2:
            ignore = ["--ignore", argv[1]]
            argv = argv[2:]
        else:
            fail(f"unexpected argument {argv[0]!r} (expected --spec OLD NEW or --ignore FILE)")
    for variable in ("GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_TOKEN"):
        if not os.environ.get(variable):
            fail(f"{variable} is not set")
    with open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8") as file:
        event = json.load(file)
    pull_request = event.get("pull_request") or fail("the event is not a pull_request event")
    number, base = pull_request["number"], pull_request["base"]["sha"]

    reports, annotations, breaking = [], [], 0
    for sides in pairs or [["--base", base]]:
        reports.append(xtask(["spec-diff", *ignore, *sides]))
        annotations.append(xtask(["spec-diff", "--format", "github", *ignore, *sides]))
        # One JSON document per pair of specs, one after the other.
        decoder, text = json.JSONDecoder(), xtask(["spec-diff", "--format", "json", *ignore, *sides])
        at = 0
        while text[at:].strip():
            at += len(text[at:]) - len(text[at:].lstrip())
            document, at = decoder.raw_decode(text, at)
            breaking += sum(
                1
                for change in document["changes"]
                if change["wire"] == "breaking" and not change["acknowledged"]
            )
    report = "\n".join(reports)
    # Workflow commands on stdout become annotations on the pull request.
    sys.stdout.write("".join(annotations))
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(report)
    comment = upsert_comment(os.environ["GITHUB_REPOSITORY"], number, comment_body(report))
    print(f"spec-diff-pr: report in comment {comment} on pull request #{number}", file=sys.stderr)
    if breaking:
        print(
            f"spec-diff-pr: {breaking} wire-breaking change(s) are not acknowledged in "
            "specs/spec-diff-ignore.txt (see the comment)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
