"""The wheel carries templates/ and static/ as data files (setup.cfg); none may be left out.

`.ci/wheel` installs the built wheel outside the checkout and serves a page from it.
"""
import configparser
from pathlib import Path

import pytest

from mpp_digital import site_root

ROOT = Path(__file__).resolve().parent.parent


def _data_files():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    shipped = {}
    for target, patterns in config["options.data_files"].items():
        for pattern in patterns.split():
            for path in ROOT.glob(pattern):
                shipped[path.relative_to(ROOT)] = Path(target)
    return shipped


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_every_template_and_static_file_is_in_the_wheel(folder):
    shipped = _data_files()
    files = [p.relative_to(ROOT) for p in (ROOT / folder).rglob("*") if p.is_file()]
    assert files
    missing = [str(p) for p in files if p not in shipped]
    assert not missing, f"add these to [options.data_files] in setup.cfg: {missing}"
    misplaced = [str(p) for p in files if shipped[p] != Path("share/mpp-digital") / p.parent]
    assert not misplaced


def test_the_app_finds_its_templates_beside_the_package_in_a_checkout():
    assert site_root() == ROOT
