import pytest

from ..factories import NOW


@pytest.fixture(autouse=True)
def fixed_clock(app):
    """The back office's tests run at the suite's fixed time (Monday 4 January 2027, 09.00
    WIB), as the counters' do: nothing here depends on the day the tests are run."""
    app.config["CLOCK"] = NOW
