"""Killing `roster build` at any moment leaves the old site or the new one: never a mix, never no site.

The build renders into a staging folder beside Site/ and swaps it in with one renameat2(RENAME_EXCHANGE).
This test builds a site with a few hundred notices in two versions, then starts builds of the other version, every
other one from nothing (the generation it would reuse removed), and kills them with SIGKILL at random moments across
one and a half times such a build's length, 30 times, checking the whole tree after each kill
against the hashes of the two complete versions. A final uninterrupted build must leave no staging folder.
"""
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

from support import add_notices, copy_default_site, roster_binary, run, tree_hash

KILLS = int(os.environ.get("ROSTER_KILLS", "30"))
# The two versions differ in every page (the build date is in each footer) and in which notices are open.
VERSIONS = {"old": "2024-02-10", "new": "2024-06-01"}


def build(binary, root, now):
    started = time.monotonic()
    result = run([binary, "build", "--root", str(root), "--now", now])
    assert result.returncode == 0, result.stdout + result.stderr
    return time.monotonic() - started


# What a finished build keeps beside Site/ on purpose: the previous generation, reused by the next build, and the
# manifests of both folders (see OutputManifest). Anything else starting with .Site. is left by a killed build.
BOOKKEEPING = {".Site.previous", ".Site.manifest", ".Site.previous.manifest", ".Site.search-terms", ".Site.bodies"}


def forget_previous(root):
    """Removes the generation a build would reuse, so the next build makes every page, as a first build does."""
    shutil.rmtree(root / ".Site.previous", ignore_errors=True)
    for name in (".Site.previous.manifest", ".Site.search-terms", ".Site.bodies"):
        (root / name).unlink(missing_ok=True)


def leftovers(root):
    return sorted(p.name for p in Path(root).iterdir() if p.name.startswith(".Site.") and p.name not in BOOKKEEPING)


def test_killed_builds_leave_the_old_or_the_new_site(tmp_path):
    binary = roster_binary()
    root = copy_default_site(tmp_path)
    add_notices(root, int(os.environ.get("ROSTER_KILL_NOTICES", "300")))

    hashes, full = {}, []
    for name, now in VERSIONS.items():
        full.append(build(binary, root, now))
        hashes[name] = tree_hash(root / "Site")
    assert hashes["old"] != hashes["new"]
    # Half the killed builds start from nothing and make every page; the other half reuse the generation before
    # (see OutputManifest), which already holds the version they make, and are much shorter. Each kind is timed,
    # so its kills spread over a build as long as its own.
    durations = {"full": max(full), "reuse": max(build(binary, root, VERSIONS[name]) for name in ["old", "new", "old", "new"])}
    print(f"builds: {durations}; {sum(1 for _ in (root / 'Site').rglob('*'))} paths")

    rng = random.Random(int(os.environ.get("ROSTER_KILL_SEED", "9")))
    current = "new"
    outcomes = {"old": 0, "new": 0}
    interrupted_mid_build = 0
    for i in range(KILLS):
        target = "old" if current == "new" else "new"
        kind = "full" if i % 2 == 0 else "reuse"
        if kind == "full":
            forget_previous(root)
        process = subprocess.Popen([binary, "build", "--root", str(root), "--now", VERSIONS[target]],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Spread the kills over the whole build, from loading to publishing, and past it.
        time.sleep(rng.uniform(0.0, durations[kind] * 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if leftovers(root):
            interrupted_mid_build += 1
        found = tree_hash(root / "Site")
        assert found is not None, f"kill {i}: Site/ is missing"
        assert found in (hashes["old"], hashes["new"]), f"kill {i}: Site/ is neither the old nor the new site"
        current = "old" if found == hashes["old"] else "new"
        outcomes[current] += 1

    print(f"{KILLS} kills: {outcomes}; {interrupted_mid_build} left a staging folder behind")
    assert interrupted_mid_build >= KILLS // 3, "too few kills landed inside a build: the test is not testing"

    # The next build cleans what killed builds left behind.
    build(binary, root, VERSIONS["old"])
    assert tree_hash(root / "Site") == hashes["old"]
    assert leftovers(root) == []


def test_a_killed_first_build_leaves_no_half_site(tmp_path):
    """Without a previous site, an interrupted build leaves none at all, rather than a partial one."""
    binary = roster_binary()
    root = copy_default_site(tmp_path)
    add_notices(root, 100)
    for delay in (0.05, 0.15, 0.3):
        process = subprocess.Popen([binary, "build", "--root", str(root), "--now", "2024-02-10"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        site = root / "Site"
        if site.exists():
            expected = tree_hash(site)
            build(binary, root, "2024-02-10")
            assert tree_hash(site) == expected, "a killed first build left a partial Site/"
            return
    build(binary, root, "2024-02-10")
    assert leftovers(root) == []
