"""The benchmark scenarios of bench/run (issue 7), each returning a Markdown section.

Every process is started by `measure`, which reads its peak resident memory from wait4's
rusage, so memory numbers are per process, not sampled. The emulator runs as a separate
`skydrive-emu` process on loopback, as a real server would, and writes its request log on exit.
"""
import json
import os
import signal
import statistics
import subprocess
import time
import urllib.request

import rclone_remote

MIB = 1024 * 1024


class Context:
    def __init__(self, root, bins, work, runs, quick, shm=None):
        self.root, self.bins, self.work, self.runs, self.quick = root, bins, work, runs, quick
        self.shm = shm or work

    def exe(self, name):
        return os.path.join(self.bins, name)

    def path(self, *parts):
        p = os.path.join(self.work, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def memory_path(self, *parts):
        """A path in memory (tmpfs) when there is one, else on the disk like `path`."""
        p = os.path.join(self.shm, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p


class Result:
    """Wall seconds, peak RSS in KiB, CPU seconds (user + system) and exit status of one
    process, and the CPU seconds the emulator spent meanwhile (None when not sampled)."""

    def __init__(self, secs, rss_kib, rc, stdout=b"", cpu=0.0, server_cpu=None):
        self.secs, self.rss_kib, self.rc, self.stdout = secs, rss_kib, rc, stdout
        self.cpu, self.server_cpu = cpu, server_cpu


def process_cpu(pid):
    """CPU seconds (user + system) process `pid` has used so far, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(cmd, env=None, stdout=subprocess.DEVNULL, cwd=None, check=True, server=None):
    """Runs cmd under GNU time, which reports the peak RSS and CPU time of the program itself
    (wait4 on a child forked from Python would also count Python's own pages from before the
    exec). `server`: an Emu whose CPU time over the run is recorded too."""
    rss_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), "skydrive-bench-rss-%d" % os.getpid())
    before = process_cpu(server.proc.pid) if server else None
    t0 = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file] + list(cmd), env=env,
                         stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=cwd)
    out, err = p.communicate()
    secs = time.perf_counter() - t0
    server_cpu = process_cpu(server.proc.pid) - before if server else None
    with open(rss_file) as f:
        rss, user, system = f.read().strip().splitlines()[-1].split()
    os.remove(rss_file)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, err.decode(errors="replace")[-2000:]))
    return Result(secs, int(rss), p.returncode, out or b"", float(user) + float(system), server_cpu)


class Emu:
    """A standalone skydrive-emu process; `stop()` returns its request log entries."""

    def __init__(self, ctx, name, latency=None, data=None, empty=True, extra=(), blobs_in_memory=False):
        self.ctx = ctx
        self.config = ctx.path(name, "emu.lcrc")
        self.log = ctx.path(name, "requests.jsonl")
        cmd = [ctx.exe("skydrive-emu"), "--addr", "127.0.0.1:0", "--write-config", self.config,
               "--request-log", self.log]
        if empty and data is None:
            cmd.append("--empty")
        if latency:
            cmd += ["--latency", latency]
        if data:
            cmd += ["--data", data]
        cmd += list(extra)
        # Without --data the blobs go to a temp dir: in memory when asked (big files, a full disk).
        env = dict(os.environ, TMPDIR=ctx.shm) if blobs_in_memory else None
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                     env=env)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            raise RuntimeError("skydrive-emu said %r" % line)
        self.graph_url = line[len("listening on "):]
        for _ in range(500):
            if os.path.exists(self.config):
                break
            time.sleep(0.01)
        self.env = dict(os.environ, SKYDRIVE_CONFIG=self.config, SKYDRIVE_HOME=ctx.path(name, "home"))
        self.token = read_key(self.config, "access_token")
        self.refresh_token = read_key(self.config, "refresh_token")
        self.login_url = read_key(self.config, "login_url")

    def cli(self, *args):
        return [self.ctx.exe("skydrive-cli")] + list(args)

    def api(self, path):
        req = urllib.request.Request(self.graph_url + path, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)

    def requests_since(self, mark):
        return self.read_log()[mark:]

    def read_log(self):
        """The request log so far (the emulator appends one JSON line per request)."""
        try:
            with open(self.log) as f:
                return [json.loads(l) for l in f if l.strip()]
        except OSError:
            return []

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def read_key(path, key):
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s.startswith(key + ":"):
                return s.split(":", 1)[1].strip().strip("'\"")
    raise RuntimeError("%s has no %s" % (path, key))


def write_random(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 8 * MIB)
            f.write(os.urandom(n))
            left -= n


def stats(results):
    secs = [r.secs for r in results]
    return statistics.median(secs), min(secs), max(secs), max(r.rss_kib for r in results)


def median_cpu(results):
    """Median CPU seconds of the client and of the server (None when not sampled)."""
    server = [r.server_cpu for r in results if r.server_cpu is not None]
    return statistics.median(r.cpu for r in results), statistics.median(server) if server else None


def fmt_row(name, results, size=None, ratio=None, requests=None):
    med, lo, hi, rss = stats(results)
    rate = " | %.0f MiB/s" % (size / MIB / med) if size else " | -"
    ratio_s = " | %.2fx" % ratio if ratio is not None else " | -"
    req = " | %s" % requests if requests is not None else " | -"
    return "| %s | %.3f s (%.3f-%.3f)%s%s | %.1f MiB%s |" % (name, med, lo, hi, rate, ratio_s, rss / 1024, req)


TABLE_HEAD = "| what | wall time | throughput | ratio | peak RSS | requests |\n|---|---|---|---|---|---|"


def repeat(ctx, fn, before=None):
    out = []
    for _ in range(ctx.runs):
        if before:
            before()
        out.append(fn())
    return out


def many_small(ctx):
    """Scenario 3: 1,000 files of 8 KiB with 20 ms latency, -P 1 vs -P 8."""
    count = 100 if ctx.quick else 1000
    src = ctx.path("small", "src", "x")[:-2]
    for i in range(count):
        with open(os.path.join(src, "f%04d.bin" % i), "wb") as f:
            f.write(os.urandom(8192))
    rows = [TABLE_HEAD]
    emu = Emu(ctx, "small", latency="20ms")
    try:
        res = {}
        for p in (1, 8):
            mark = len(emu.read_log())
            res[("put", p)] = repeat(ctx, lambda: measure(emu.cli("put", "-r", "-P", str(p), src, "/"), env=emu.env))
            reqs = len(emu.requests_since(mark)) // ctx.runs
            res[("put", p, "reqs")] = reqs
        for p in (1, 8):
            dst = ctx.path("small", "dst-%d" % p, "x")[:-2]
            mark = len(emu.read_log())
            res[("get", p)] = repeat(ctx, lambda: measure(emu.cli("get", "-r", "-P", str(p), "/src", dst),
                                                           env=emu.env),
                                     before=lambda: subprocess.run(["rm", "-rf", os.path.join(dst, "src")]))
            res[("get", p, "reqs")] = len(emu.requests_since(mark)) // ctx.runs
        for op in ("put", "get"):
            base = stats(res[(op, 1)])[0]
            for p in (1, 8):
                rows.append(fmt_row("%s -r -P %d (%d x 8 KiB)" % (op, p, count), res[(op, p)], None,
                                    base / stats(res[(op, p)])[0], res[(op, p, "reqs")]))
    finally:
        emu.stop()
    return ("## 3. Many small files, 20 ms latency\n\nTarget: -P 8 at least 6x faster than -P 1. Ratio = the -P 1 "
            "median / this row's median.\n\n" + "\n".join(rows) + "\n")


def tree_walk(ctx):
    """Scenario 4: tree and find over 20,000 items in 2,000 folders, 20 ms latency, vs rclone."""
    folders, per = (200, 9) if ctx.quick else (2000, 9)
    src = ctx.path("tree", "src", "x")[:-2]
    make_tree(src, folders, per)
    data = ctx.path("tree", "data", "x")[:-2]
    seed = Emu(ctx, "tree-seed", data=data)
    try:
        measure(seed.cli("put", "-r", "-P", "16", src, "/"), env=seed.env)
    finally:
        seed.stop()
    emu = Emu(ctx, "tree", latency="20ms", data=data)
    rows = [TABLE_HEAD]
    lines = 0
    try:
        for label, args in (("tree", ["tree", "/src"]), ("find", ["find", "/src"])):
            mark = len(emu.read_log())
            r = repeat(ctx, lambda: measure(emu.cli(*args), env=emu.env, stdout=subprocess.PIPE))
            reqs = len(emu.requests_since(mark)) // ctx.runs
            rows.append(fmt_row("skydrive-cli %s" % label, r, None, None, reqs))
            lines = len(r[-1].stdout.splitlines())
        rclone = run_rclone(ctx, emu)
        if rclone:
            rows.append(fmt_row("rclone lsf -R (8 checkers)", rclone[0], None, None, rclone[1]))
    finally:
        emu.stop()
    all_folders = folders + 50 + 1
    bound = 1.5 * all_folders / 8 * 0.020
    return ("## 4. Tree walk: %d folders, %d items, 20 ms latency\n\nTarget: at most 1.5 x (folders / "
            "concurrency) x latency = %.2f s at concurrency 8 when listing folder by folder; at least twice as fast "
            "as rclone. Last `find` printed %d lines.\n\n" % (all_folders, folders * per + all_folders, bound, lines)
            + "\n".join(rows) + "\n")


def make_tree(src, folders, per, content=False):
    """`folders` folders of `per` files (empty, or a short line each) under 50 parents in src."""
    for d in range(folders):
        sub = os.path.join(src, "d%02d" % (d % 50), "f%04d" % d)
        os.makedirs(sub, exist_ok=True)
        for i in range(per):
            with open(os.path.join(sub, "i%d.txt" % i), "w") as f:
                f.write("%d/%d\n" % (d, i) if content else "")


def run_rclone(ctx, emu, args=("lsf", "-R", "remote:src")):
    """Runs `rclone ARGS` ctx.runs times through the harness: (results, requests per run), or
    None without rclone."""
    if not rclone_remote.available():
        return None
    with rclone_remote.RcloneRemote(emu) as h:
        mark = len(emu.read_log())
        results = []
        for _ in range(ctx.runs):
            t0 = time.perf_counter()
            r = h.rclone(list(args))
            if r.returncode:
                raise RuntimeError("rclone %s failed: %s" % (args[0], r.stderr[-1000:]))
            results.append(Result(time.perf_counter() - t0, 0, 0))
        return results, len(emu.requests_since(mark)) // ctx.runs


def startup(ctx):
    """Scenario 5: start-up cost, and one round trip."""
    emu = Emu(ctx, "startup")
    rows = [TABLE_HEAD]
    n = max(ctx.runs, 20)
    try:
        for label, args in (("--version", ["--version"]), ("-c pwd", ["-c", "pwd"]), ("-c quota", ["-c", "quota"])):
            mark = len(emu.read_log())
            r = [measure(emu.cli(*args), env=emu.env) for _ in range(n)]
            rows.append(fmt_row("skydrive-cli %s" % label, r, None, None, len(emu.requests_since(mark)) // n))
    finally:
        emu.stop()
    return ("## 5. Start-up\n\nTarget: `--version` and `-c pwd` median under 10 ms; `-c quota` = start-up plus "
            "one round trip (%d runs each).\n\n" % n + "\n".join(rows) + "\n")


def micro(ctx):
    """Scenario 6 (completion in a cached folder of 10,000 and of 100,000 entries) and QuickXorHash speed,
    measured in-process by bench/micro.rs."""
    out = subprocess.run(["cargo", "bench", "--locked", "--bench", "micro"], cwd=ctx.root, check=True,
                         capture_output=True, text=True).stdout
    rows = ["| what | median |", "|---|---|"]
    labels = {"completion_10k_us": "Tab completion of `get file\\ 0999` in a cached folder of 10,000 entries",
              "completion_100k_us": "Tab completion of `get file\\ 9999` in a cached folder of 100,000 entries",
              "completion_100k_all_us": "Tab with an empty prefix (`get `) in a cached folder of 100,000 entries: "
                                        "100,000 candidates",
              "quickxor_gb_per_s": "QuickXorHash throughput (256 MiB in 64 KiB chunks)"}
    for line in out.splitlines():
        key, _, value = line.partition(": ")
        if key in labels:
            rows.append("| %s | %s |" % (labels[key], value))
    return ("## 6. Completion and hashing (in-process, `cargo bench --bench micro`)\n\nTarget: completion "
            "candidates in under 1 ms.\n\n" + "\n".join(rows) + "\n")


# Imported last: these use the helpers above.
from crash import crash_resume  # noqa: E402
from mirror import mirror_unchanged  # noqa: E402
from million import million  # noqa: E402
from transfers import big_transfers, rate_limited, against_rclone  # noqa: E402

ALL = [("big", big_transfers), ("rate", rate_limited), ("rclone", against_rclone), ("small", many_small),
       ("tree", tree_walk), ("startup", startup), ("micro", micro), ("crash", crash_resume),
       ("mirror", mirror_unchanged), ("million", million)]
