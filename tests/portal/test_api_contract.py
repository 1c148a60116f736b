"""Contract test of the open data API: schemathesis against the schema the live server publishes.

Every operation and every parameter, positive and negative data, the coverage, fuzzing and stateful phases (lists
lead to their objects through the schema's links) and every check: no answer of 500 or more, every status, content
type, header and body as the schema documents it, valid requests accepted and invalid ones refused. The settings
are in `schemathesis.toml` beside this file.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

pytestmark = pytest.mark.contract


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", verbosity=0)


def test_api_answers_as_its_openapi_schema_says_for_every_operation_and_parameter(demo_data, live_server, settings):
    # The contract, not the throttle, is under test here (tests/portal/test_api.py checks the 429).
    settings.OPEN_DATA_API_RATE = "100000/minute"
    command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{live_server.url}/api/v1/schema/"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-30000:]
    assert "Tested: 12" in output, output[-5000:]
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, output[-5000:]
