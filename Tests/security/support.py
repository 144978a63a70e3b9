"""Shared helpers for the security tests: where the roster binary is, how to make a big site, tree hashes."""
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def require(condition, message):
    """Skips with `message` on a developer machine; fails instead when CI is set, where nothing may be missing."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: a missing tool is a failure, not a skip)")
    pytest.skip(message)


def roster_binary():
    """The roster executable: $ROSTER_BIN, else the release build, else the debug build."""
    candidates = [os.environ.get("ROSTER_BIN"), REPO / ".build/release/roster", REPO / ".build/debug/roster"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    require(False, "roster is not built: run `swift build -c release --product roster` first")


def copy_default_site(dest):
    """A copy of the repository's Content/ and Themes/ in `dest`."""
    dest = Path(dest)
    for folder in ("Content", "Themes"):
        shutil.copytree(REPO / folder, dest / folder, symlinks=True)
    return dest


def add_notices(site, count, body_kb=4):
    """Adds `count` notices of kind `other` with Markdown bodies of about `body_kb` KB: they pass every rule,
    so the site still builds, and they make the build long enough to be interrupted at many moments."""
    paragraph = "本通知为测试用的示例正文，包含**强调**、[站内链接](/notices/) 和列表。\n\n- 第一项\n- 第二项\n\n"
    body = paragraph * max(1, body_kb * 1024 // len(paragraph.encode()))
    folder = Path(site) / "Content/notices"
    for i in range(count):
        (folder / f"bulk-{i:05d}.md").write_text(
            f"---\ntitle: 测试通知第 {i} 号\nkind: other\npublished: 2023-{1 + i % 12:02d}-{1 + i % 28:02d}\n---\n{body}",
            encoding="utf-8")


def tree_hash(path):
    """One hash of every file's relative path and bytes under `path`; None when `path` does not exist."""
    path = Path(path)
    if not path.is_dir():
        return None
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)
