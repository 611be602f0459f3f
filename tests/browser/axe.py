"""axe in the page: the violations that matter (serious and critical), with where they are."""
from axe_playwright_python.sync_playwright import Axe


def serious(page):
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]
