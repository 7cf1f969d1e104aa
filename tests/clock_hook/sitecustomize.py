"""Imported at start-up by every Python process the tests start with `clock.subprocess_env`
(this folder is first on their PYTHONPATH): it puts the process on the suite's clock."""

import os

_offset = os.environ.get("LMS_TEST_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_offset), tick=True).start()
