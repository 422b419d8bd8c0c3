"""Settings for a Celery worker subprocess started by the deadline engine's tests: the test
settings, plus what each test hands the worker through its environment — where its e-mail
goes (a backend the test reads back, see support.py) and how many items a sweep writes per
transaction (small, to kill a sweep halfway). Kept out of portal/settings: no deployment
ever reads these variables."""

import os

from portal.settings.test import *  # noqa: F403
from portal.settings.test import DEADLINE_SWEEP_BATCH_SIZE, EMAIL_BACKEND

EMAIL_BACKEND = os.environ.get("CHENGAN_TEST_EMAIL_BACKEND", EMAIL_BACKEND)
if os.environ.get("CHENGAN_TEST_EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["CHENGAN_TEST_EMAIL_FILE_PATH"]
DEADLINE_SWEEP_BATCH_SIZE = int(
    os.environ.get("CHENGAN_TEST_SWEEP_BATCH_SIZE", DEADLINE_SWEEP_BATCH_SIZE)
)
