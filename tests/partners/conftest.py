import os
import shutil

import pytest


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium when Playwright's own download is absent (CI images ship one or the other)."""
    executable = os.environ.get("CHROMIUM_EXECUTABLE") or shutil.which("chromium")
    if executable:
        return {**browser_type_launch_args, "executable_path": executable}
    return browser_type_launch_args
