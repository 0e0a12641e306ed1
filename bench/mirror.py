"""Scenario 8 of bench/run: a second `mirror` of an unchanged folder of 20,000 items at 20 ms
latency, side by side with `rclone sync` and `rclone check` of the same folder into the same
local copy (issue 16).

The folder (2,000 folders of 9 small files, under 50 parents) is uploaded and mirrored once on
an emulator without latency: the first run is not what this measures. The emulator then
restarts on the same drive with 20 ms of latency, and each tool runs on the unchanged pair:
`skydrive-cli mirror /src LOCAL` (its delta link and snapshot saved by the first run), `rclone
sync remote:src LOCAL` (size and mtime) and `rclone check remote:src LOCAL` (size and hash).
Target: at least 20x fewer requests and 10x less time than either rclone command.
"""
import scenarios as sc


def mirror_unchanged(ctx):
    folders, per = (200, 9) if ctx.quick else (2000, 9)
    src = ctx.path("mirror", "src", "x")[:-2]
    sc.make_tree(src, folders, per, content=True)
    data = ctx.path("mirror", "data", "x")[:-2]
    local = ctx.path("mirror", "local", "x")[:-2]
    seed = sc.Emu(ctx, "mirror-seed", data=data)
    try:
        sc.measure(seed.cli("put", "-r", "-P", "16", src, "/"), env=seed.env)
        first = sc.measure(seed.cli("mirror", "-P", "16", "/src", local), env=seed.env)
    finally:
        seed.stop()
    emu = sc.Emu(ctx, "mirror", latency="20ms", data=data)
    # The same state folder as the first run, so this is its second run.
    emu.env["SKYDRIVE_HOME"] = seed.env["SKYDRIVE_HOME"]
    rows = [sc.TABLE_HEAD]
    try:
        mark = len(emu.read_log())
        ours = sc.repeat(ctx, lambda: sc.measure(emu.cli("mirror", "/src", local), env=emu.env))
        ours_reqs = len(emu.requests_since(mark)) // ctx.runs
        ours_med = sc.stats(ours)[0]
        rows.append(sc.fmt_row("skydrive-cli mirror, 2nd run", ours, None, 1.0, ours_reqs))
        for label, args in (("rclone sync (8 checkers)", ["sync", "remote:src", local]),
                            ("rclone check (8 checkers)", ["check", "remote:src", local])):
            r = sc.run_rclone(ctx, emu, args)
            if r:
                rows.append(sc.fmt_row(label, r[0], None, sc.stats(r[0])[0] / ours_med, r[1]))
    finally:
        emu.stop()
    items = folders * per + folders + 50
    return ("## 8. Second mirror of an unchanged folder: %d items, 20 ms latency\n\nTarget: at least 20x fewer "
            "requests and 10x less time than `rclone sync` and `rclone check` of the same folder and local copy. "
            "Ratio = this row's median / the mirror's median. The first mirror (no latency, -P 16, not a "
            "target) took %.1f s.\n\n" % (items, first.secs) + "\n".join(rows) + "\n")
