"""Scenarios 1-2 of bench/run (issue 14): one big file down and up, side by side with curl on
the same URL and rclone on the same emulator, each row with the client's CPU time and peak
memory and the emulator's own CPU time (the server must never be what a row measures).

- big: 256 MiB, 1 GiB and 2 GiB. Down: curl on the pre-authenticated URL (the limit),
  `get --streams 1` (one stream), `get` (its default: 4 streams from 256 MiB on). Up: curl
  sending the same 10 MiB fragments to an upload session of the same emulator one request at
  a time, one curl per fragment (the anchor) and all in one curl process (`--next`), and
  `put`.
- rate: the emulator limits each connection (`--download-rate`, as real servers do); 1 GiB
  with one stream, four streams, and rclone's multi-thread download at its defaults.
- rclone: 1 GiB down and up with rclone at its defaults and with skydrive-cli, same emulator.
"""
import contextlib
import json
import os
import shlex
import urllib.error
import urllib.request

import rclone_remote
import scenarios as sc

FRAGMENT = 10 * sc.MIB
HEAD = ("| what | wall time | throughput | ratio | CPU (user+sys) | server CPU | peak RSS | requests |\n"
        "|---|---|---|---|---|---|---|---|")


def row(name, results, size, ratio=None, requests=None):
    """A table row: median (min-max) wall time, throughput, ratio, the median CPU seconds of
    the client and of the server, the largest peak RSS."""
    med, lo, hi, rss = sc.stats(results)
    cpu, server = sc.median_cpu(results)
    return "| %s | %.3f s (%.3f-%.3f) | %.0f MiB/s | %s | %.2f s | %s | %.1f MiB | %s |" % (
        name, med, lo, hi, size / sc.MIB / med, "%.2fx" % ratio if ratio else "-", cpu,
        "%.2f s" % server if server is not None else "-", rss / 1024, requests if requests is not None else "-")


def counted(ctx, emu, fn, before=None):
    """Runs `fn` ctx.runs times (after `before` each time); returns the results and the
    requests per run (of `fn` only)."""
    results, requests = [], 0
    for _ in range(ctx.runs):
        if before:
            before()
        mark = len(emu.read_log())
        results.append(fn())
        requests += len(emu.requests_since(mark))
    return results, requests // ctx.runs


def download_url(emu, name):
    meta = emu.api("/me/drive/root:/%s?$select=id,size,@microsoft.graph.downloadUrl" % name)
    return meta["@microsoft.graph.downloadUrl"]


def split_fragments(ctx, local, size):
    """The file cut into FRAGMENT pieces (the fragments `put` sends), as files for curl."""
    paths = []
    with open(local, "rb") as f:
        for i, start in enumerate(range(0, size, FRAGMENT)):
            p = ctx.memory_path("frags", "f%04d" % i)
            with open(p, "wb") as out:
                out.write(f.read(FRAGMENT))
            paths.append((start, p))
    return paths


def curl_upload(emu, name, frags, size, one_process=True):
    """Opens an upload session for /name (not timed) and returns the command that sends every
    fragment to it with curl, one request after another: in one process (`--next`, one
    connection), or one curl process per fragment (a shell runs them in turn)."""
    req = urllib.request.Request(
        emu.graph_url + "/me/drive/root:/%s:/createUploadSession" % name, method="POST",
        data=json.dumps({"item": {"@microsoft.graph.conflictBehavior": "replace"}}).encode(),
        headers={"Authorization": "Bearer " + emu.token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        url = json.load(r)["uploadUrl"]
    each = [["-sS", "-f", "-o", "/dev/null", "-T", path, "-H",
             "Content-Range: bytes %d-%d/%d" % (start, min(start + FRAGMENT, size) - 1, size), url]
            for start, path in frags]
    if one_process:
        return ["curl"] + [a for i, args in enumerate(each) for a in (["--next"] if i else []) + args]
    return ["sh", "-ec", "\n".join(" ".join(shlex.quote(a) for a in ["curl"] + args) for args in each)]


def delete(emu, name):
    """Deletes /name if it exists (the anchor's copy: its blob would double the disk used)."""
    req = urllib.request.Request(emu.graph_url + "/me/drive/root:/%s" % name, method="DELETE",
                                 headers={"Authorization": "Bearer " + emu.token})
    try:
        urllib.request.urlopen(req, timeout=60).close()
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise


def big_transfers(ctx):
    sizes = [32 * sc.MIB] if ctx.quick else [256 * sc.MIB, 1024 * sc.MIB, 2048 * sc.MIB]
    rows = [HEAD]
    for size in sizes:
        label = "%d MiB" % (size // sc.MIB)
        local = ctx.memory_path("big", "src-%d.bin" % size)
        sc.write_random(local, size)
        name = os.path.basename(local)
        emu = sc.Emu(ctx, "big-%d" % size, blobs_in_memory=True)
        frags = split_fragments(ctx, local, size)
        dst = ctx.path("big", "dst.bin")
        rm = lambda: os.path.exists(dst) and os.remove(dst)  # noqa: E731
        try:
            # Each put creates the file anew: a replaced file keeps its old content as a version.
            up, up_reqs = counted(ctx, emu, lambda: sc.measure(emu.cli("put", local, "/"), env=emu.env, server=emu),
                                  before=lambda: delete(emu, name))
            anchor = name + ".curl"
            curl_each = sc.repeat(ctx, lambda: sc.measure(curl_upload(emu, anchor, frags, size, False), server=emu),
                                  before=lambda: delete(emu, anchor))
            curl_up = sc.repeat(ctx, lambda: sc.measure(curl_upload(emu, anchor, frags, size), server=emu),
                                before=lambda: delete(emu, anchor))
            delete(emu, anchor)
            url = download_url(emu, name)
            curl = sc.repeat(ctx, lambda: sc.measure(["curl", "-sS", "-f", "-o", dst, url], server=emu), before=rm)
            one, one_reqs = counted(ctx, emu, lambda: sc.measure(
                emu.cli("get", "--streams", "1", "/" + name, dst), env=emu.env, server=emu), before=rm)
            four, four_reqs = counted(ctx, emu, lambda: sc.measure(
                emu.cli("get", "/" + name, dst), env=emu.env, server=emu), before=rm)
            if os.path.getsize(dst) != size:
                raise RuntimeError("downloaded %d bytes, expected %d" % (os.path.getsize(dst), size))
            down, each = sc.stats(curl)[0], sc.stats(curl_each)[0]
            rows.append(row("%s down: curl (the limit)" % label, curl, size, 1.0, 1))
            rows.append(row("%s down: get --streams 1" % label, one, size, down / sc.stats(one)[0], one_reqs))
            rows.append(row("%s down: get (default streams)" % label, four, size, down / sc.stats(four)[0],
                            four_reqs))
            rows.append(row("%s up: curl per fragment (the anchor)" % label, curl_each, size, 1.0, len(frags)))
            rows.append(row("%s up: curl, all fragments in one process" % label, curl_up, size,
                            each / sc.stats(curl_up)[0], len(frags)))
            rows.append(row("%s up: put" % label, up, size, each / sc.stats(up)[0], up_reqs))
        finally:
            emu.stop()
            os.remove(local)
            for _, p in frags:
                os.remove(p)
            rm()
    return ("## 1-2. One big file down and up\n\nTargets (issue 14): get with one stream at least 0.9x curl's "
            "throughput on the same URL, at most 1.5x curl's CPU time; put at least 1.7x as fast as curl sending "
            "the same 10 MiB fragments one request at a time, one curl per fragment (the anchor of the 1.7x measured "
            "before; curl in one process, reusing its connection, is shown too); peak RSS at most 64 MiB and flat in the file size. Ratio "
            "= the reference's median time / this row's (downloads: curl's; uploads: the curl anchor's). CPU is "
            "the client's; server CPU is what the emulator spent during the row.\n\n" + "\n".join(rows) + "\n")


@contextlib.contextmanager
def rclone(ctx, emu):
    """rclone set up against `emu` (or None without rclone): `h.command(args)`, `h.env()`."""
    if not rclone_remote.available():
        yield None
        return
    with rclone_remote.RcloneRemote(emu) as h:
        yield h


def rate_limited(ctx):
    size = 64 * sc.MIB if ctx.quick else 1024 * sc.MIB
    rate_kib = 16384 if ctx.quick else 65536
    local = ctx.memory_path("rate", "big.bin")
    sc.write_random(local, size)
    seed = ctx.path("rate", "data", "x")[:-2]
    first = sc.Emu(ctx, "rate-seed", data=seed)
    try:
        sc.measure(first.cli("put", local, "/"), env=first.env)
    finally:
        first.stop()
        os.remove(local)
    emu = sc.Emu(ctx, "rate", data=seed, extra=["--download-rate", str(rate_kib)])
    dst_dir = ctx.path("rate", "out", "x")[:-2]
    dst = os.path.join(dst_dir, "big.bin")
    rm = lambda: os.path.exists(dst) and os.remove(dst)  # noqa: E731
    rows = [HEAD]
    try:
        one, one_reqs = counted(ctx, emu, lambda: sc.measure(
            emu.cli("get", "--streams", "1", "/big.bin", dst), env=emu.env, server=emu), before=rm)
        # The quick run's file is below the default cutoff (256 MiB).
        cutoff = ["--cutoff", "1M"] if ctx.quick else []
        four, four_reqs = counted(ctx, emu, lambda: sc.measure(
            emu.cli("get", "--streams", "4", *cutoff, "/big.bin", dst), env=emu.env, server=emu), before=rm)
        base = sc.stats(one)[0]
        rows.append(row("get --streams 1", one, size, 1.0, one_reqs))
        rows.append(row("get --streams 4", four, size, base / sc.stats(four)[0], four_reqs))
        with rclone(ctx, emu) as h:
            if h:
                got, reqs = counted(ctx, emu, lambda: sc.measure(
                    h.command(["copy", "remote:big.bin", dst_dir]), env=h.env(), server=emu), before=rm)
                rows.append(row("rclone copy (defaults: 4 streams from 256 MiB)", got, size,
                                base / sc.stats(got)[0], reqs))
    finally:
        emu.stop()
        rm()
    return ("## 2b. One big file, each connection limited to %d MiB/s\n\nThe emulator paces each download body on "
            "its own (`--download-rate %d`), as real servers limit each connection. Target: `get` with 4 streams "
            "at least 3.5x as fast as with one, and faster than rclone's multi-thread download. Ratio = the "
            "one-stream median / this row's.\n\n" % (rate_kib // 1024, rate_kib) + "\n".join(rows) + "\n")


def against_rclone(ctx):
    size = 64 * sc.MIB if ctx.quick else 1024 * sc.MIB
    local = ctx.memory_path("vs", "up", "big.bin")
    sc.write_random(local, size)
    emu = sc.Emu(ctx, "vs", blobs_in_memory=True)
    dst_dir = ctx.path("vs", "out", "x")[:-2]
    dst = os.path.join(dst_dir, "big.bin")
    rm = lambda: os.path.exists(dst) and os.remove(dst)  # noqa: E731
    rows = [HEAD]
    try:
        with rclone(ctx, emu) as h:
            if not h:
                return "## 2c. Against rclone\n\nrclone is not installed: not measured.\n"
            # Each upload creates the file anew: a replaced file keeps its old content as a version.
            fresh = lambda: delete(emu, "big.bin")  # noqa: E731
            r_up, r_up_reqs = counted(ctx, emu, lambda: sc.measure(
                h.command(["copyto", local, "remote:big.bin"]), env=h.env(), server=emu), before=fresh)
            up, up_reqs = counted(ctx, emu, lambda: sc.measure(emu.cli("put", local, "/"), env=emu.env, server=emu),
                                  before=fresh)
            r_down, r_down_reqs = counted(ctx, emu, lambda: sc.measure(
                h.command(["copy", "remote:big.bin", dst_dir]), env=h.env(), server=emu), before=rm)
            down, down_reqs = counted(ctx, emu, lambda: sc.measure(
                emu.cli("get", "/big.bin", dst), env=emu.env, server=emu), before=rm)
        rows.append(row("down: rclone copy (defaults)", r_down, size, 1.0, r_down_reqs))
        rows.append(row("down: get (defaults)", down, size, sc.stats(r_down)[0] / sc.stats(down)[0], down_reqs))
        rows.append(row("up: rclone copyto (defaults)", r_up, size, 1.0, r_up_reqs))
        rows.append(row("up: put", up, size, sc.stats(r_up)[0] / sc.stats(up)[0], up_reqs))
    finally:
        emu.stop()
        rm()
        os.remove(local)
    return ("## 2c. %d MiB down and up against rclone at its defaults\n\nThe same emulator, one run. Target: "
            "skydrive-cli at least 1.3x as fast down and 1.5x up. Ratio = rclone's median / this row's.\n\n"
            % (size // sc.MIB) + "\n".join(rows) + "\n")
