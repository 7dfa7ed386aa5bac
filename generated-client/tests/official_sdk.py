"""The user actions of tests/differential.rs, done with Daytona's official Python SDK.

Run by that test against the Daytona test double, with the SDK pinned in
tools/python-sdk/requirements.txt. Reads the SDK's own environment variables
(DAYTONA_API_URL, DAYTONA_API_KEY or DAYTONA_JWT_TOKEN with DAYTONA_ORGANIZATION_ID) and
DOUBLE_URL, where it names each action before doing it, so the double can tell the actions'
requests apart. Prints one JSON line per action: {"action": ..., "result": ...} or
{"action": ..., "error": ...}.
"""

import asyncio
import datetime
import json
import os
import sys
import urllib.request

from daytona import (
    CreateSandboxFromSnapshotParams,
    Daytona,
    ListSandboxesQuery,
    SessionExecuteRequest,
)
from daytona_api_client import ApiKeysApi, CreateApiKey

DOUBLE_URL = os.environ["DOUBLE_URL"]


def begin(action):
    """Tells the double which action the next requests belong to."""
    request = urllib.request.Request(
        f"{DOUBLE_URL}/__double/action?name={action}", method="POST", data=b""
    )
    urllib.request.urlopen(request, timeout=10).read()


def run_command(daytona, session_id, command, timeout):
    """Runs a command in a session of its own and deletes the session: the official SDK's way
    to get a command's stdout and stderr apart (`process.exec` answers them mixed)."""
    sandbox = daytona.get("sb-seed")
    sandbox.process.create_session(session_id)
    try:
        response = sandbox.process.execute_session_command(
            session_id, SessionExecuteRequest(command=command, run_async=False), timeout=timeout
        )
    finally:
        sandbox.process.delete_session(session_id)
    return {"exitCode": response.exit_code, "stdout": response.stdout, "stderr": response.stderr}


def follow(daytona, session_id, command):
    """Runs a command asynchronously in a session of its own, follows its log over the
    WebSocket until it ends, then reads its exit code and deletes the session."""
    sandbox = daytona.get("sb-seed")
    sandbox.process.create_session(session_id)
    stdout, stderr = [], []
    try:
        started = sandbox.process.execute_session_command(
            session_id, SessionExecuteRequest(command=command, run_async=True)
        )
        asyncio.run(
            sandbox.process.get_session_command_logs_async(
                session_id, started.cmd_id, stdout.append, stderr.append
            )
        )
        exit_code = sandbox.process.get_session_command(session_id, started.cmd_id).exit_code
    finally:
        sandbox.process.delete_session(session_id)
    return {"exitCode": exit_code, "stdout": "".join(stdout), "stderr": "".join(stderr)}


def main():
    daytona = Daytona()
    actions = [
        ("get", lambda: sandbox_summary(daytona.get("sb-seed"))),
        ("list", lambda: [sandbox.id for sandbox in daytona.list()]),
        (
            "list-labels",
            lambda: [s.id for s in daytona.list(ListSandboxesQuery(labels={"team": "ci"}))],
        ),
        (
            "create",
            lambda: sandbox_summary(
                daytona.create(
                    CreateSandboxFromSnapshotParams(snapshot="daytonaio/sandbox:0.5.0"),
                    timeout=60,
                )
            ),
        ),
        ("exec", lambda: run_command(daytona, "exec-1", "echo hello; echo oops >&2", 60)),
        ("long-exec", lambda: run_command(daytona, "exec-2", "sleep 3; echo done", 10)),
        (
            "upload",
            lambda: daytona.get("sb-seed").fs.upload_file(
                b"hello from a file\n", "/home/daytona/hello.txt"
            ),
        ),
        (
            "download",
            lambda: daytona.get("sb-seed").fs.download_file("/home/daytona/hello.txt").decode(),
        ),
        (
            "follow",
            lambda: follow(
                daytona, "follow-1", "echo one; echo err >&2; sleep 1; echo two; exit 3"
            ),
        ),
        (
            "api-key",
            lambda: api_key_summary(
                ApiKeysApi(daytona._api_client).create_api_key(
                    CreateApiKey(
                        name="ci-diff",
                        permissions=["write:sandboxes"],
                        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
                    )
                )
            ),
        ),
    ]
    for name, action in actions:
        begin(name)
        try:
            line = {"action": name, "result": action()}
        except Exception as error:  # every failure is reported, compared by the test
            line = {"action": name, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(line), flush=True)
    begin("")


def sandbox_summary(sandbox):
    return {"id": sandbox.id, "state": str(sandbox.state.value if sandbox.state else None)}


def api_key_summary(key):
    return {
        "name": key.name,
        "permissions": list(key.permissions),
        "valueGiven": bool(key.value),
    }


if __name__ == "__main__":
    sys.exit(main())
