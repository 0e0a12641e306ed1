"""Scenario 7 of bench/run: crash and resume at full size (issue 6).

A 200 MiB `put` is killed with SIGKILL once the server has stored a quarter of it; `put -c`
then finishes it, and the request log proves that no fragment the server already had was sent
again (every Content-Range start after the restart is >= the session's nextExpectedRanges at
the kill). The same for `get`: killed once a quarter is on disk (the emulator paces the body
with --download-rate), then `get -c` sends one Range request from the partial file's length.
Both end byte-exact (SHA-256 of the source and the result). The cargo-test sizes of the same
checks are in tests/it/reliability/resume.rs.
"""
import hashlib
import json
import os
import signal
import subprocess
import time
import urllib.request

import scenarios as sc

FRAGMENT = 10 * sc.MIB


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(sc.MIB), b""):
            h.update(block)
    return h.hexdigest()


def wait_until(cond, limit=300):
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > limit:
            raise RuntimeError("timed out waiting for the kill moment")
        time.sleep(0.01)


def kill9(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        raise RuntimeError("the process finished before it was killed (rc %s)" % proc.returncode)


def fragment_starts(entries):
    out = []
    for r in entries:
        if r["method"] == "PUT" and r["listener"] == "content" and (r.get("range") or "").startswith("bytes "):
            out.append((int(r["range"][6:].split("-")[0]), r["status"]))
    return out


def crash_put(ctx, emu, local, size):
    """SIGKILL mid put, then put -c. Returns table rows."""
    cwd = os.path.dirname(local)
    name = os.path.basename(local)
    proc = subprocess.Popen(emu.cli("put", name, "/"), env=emu.env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    quarter = size // 4
    wait_until(lambda: any(s == 202 and start + FRAGMENT >= quarter for start, s in fragment_starts(emu.read_log())))
    kill9(proc)
    # The fragment the killed run had on the wire is logged (400, truncated body) once the
    # emulator's latency has passed: count from after that.
    time.sleep(1)
    mark = len(emu.read_log())
    uploads = os.path.join(emu.env["SKYDRIVE_HOME"], "uploads")
    (state,) = [e for e in os.listdir(uploads) if e.startswith(name + "~") and e.endswith(".upload.json")]
    with open(os.path.join(uploads, state)) as f:
        url = json.load(f)["upload_url"]
    with urllib.request.urlopen(url, timeout=60) as r:
        nxt = int(json.load(r)["nextExpectedRanges"][0].split("-")[0])
    res = sc.measure(emu.cli("put", "-c", name, "/"), env=emu.env, cwd=cwd)
    after = fragment_starts(emu.requests_since(mark))
    if not after or after[0][0] != nxt or any(start < nxt for start, _ in after):
        raise RuntimeError("put -c re-sent stored bytes: next %d, sent %r" % (nxt, after))
    dst = ctx.path("crash", "check.bin")
    sc.measure(emu.cli("get", "/" + name, dst), env=emu.env)
    same = sha256(dst) == sha256(local)
    os.remove(dst)
    if not same:
        raise RuntimeError("the uploaded file differs")
    answers = ", ".join("%d x %d" % (sum(1 for _, s in after if s == st), st) for st in sorted({s for _, s in after}))
    return [
        "| put killed after %d of %d MiB stored; put -c | %d fragment PUTs after the restart (%s; %d needed), the "
        "first at byte %d = nextExpectedRanges at the kill, none below | byte-exact (SHA-256) | %.3f s |"
        % (nxt // sc.MIB, size // sc.MIB, len(after), answers, -(-(size - nxt) // FRAGMENT), nxt, res.secs)
    ]


def crash_get(ctx, data, size, name):
    """SIGKILL mid get (paced download), then get -c on an unpaced emulator. Returns table rows."""
    rate_kib = max(size // sc.MIB // 4, 8) * 1024
    slow = sc.Emu(ctx, "crash-slow", data=data, extra=["--download-rate", str(rate_kib)])
    out_dir = ctx.path("crash", "out", "x")[:-2]
    dst = os.path.join(out_dir, name)
    part = os.path.join(out_dir, ".%s.part" % name)
    try:
        proc = subprocess.Popen(slow.cli("get", "/" + name, dst), env=slow.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def quarter_on_disk():
            if os.path.exists(dst):
                raise RuntimeError("a file appeared under the final name before the download completed")
            return os.path.exists(part) and os.path.getsize(part) >= size // 4
        wait_until(quarter_on_disk)
        kill9(proc)
    finally:
        slow.stop()
    if os.path.exists(dst):
        raise RuntimeError("partial file under the final name")
    kept = os.path.getsize(part)
    emu = sc.Emu(ctx, "crash-fast", data=data)
    try:
        mark = len(emu.read_log())
        res = sc.measure(emu.cli("get", "-c", "/" + name, dst), env=emu.env)
        gets = [r.get("range") for r in emu.requests_since(mark) if r["listener"] == "content" and r["method"] == "GET"]
    finally:
        emu.stop()
    if gets != ["bytes=%d-" % kept]:
        raise RuntimeError("get -c did not continue from byte %d: %r" % (kept, gets))
    return dst, [
        "| get killed with %d of %d MiB on disk (as .%s.part, nothing under the final name); get -c | one "
        "request, `Range: bytes=%d-` | byte-exact (SHA-256) | %.3f s |" % (kept // sc.MIB, size // sc.MIB, name,
                                                                          kept, res.secs)
    ]


def crash_resume(ctx):
    size = 32 * sc.MIB if ctx.quick else 200 * sc.MIB
    local = ctx.path("crash", "src", "big.bin")
    sc.write_random(local, size)
    data = ctx.path("crash", "data", "x")[:-2]
    # Latency makes each fragment take long enough for the kill to land between fragments.
    emu = sc.Emu(ctx, "crash-put", latency="100ms", data=data)
    try:
        rows = crash_put(ctx, emu, local, size)
    finally:
        emu.stop()
    dst, get_rows = crash_get(ctx, data, size, "big.bin")
    if sha256(dst) != sha256(local):
        raise RuntimeError("the downloaded file differs")
    rows += get_rows
    os.remove(dst)
    os.remove(local)
    head = "| scenario | proof from the request log | result | time of the resuming run |\n|---|---|---|---|"
    return ("## 7. Crash and resume, %d MiB\n\nA SIGKILL in the middle of a transfer, then `-c`. Once each.\n\n"
            % (size // sc.MIB) + head + "\n" + "\n".join(rows) + "\n")
