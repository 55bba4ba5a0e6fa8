"""Where tests find files, wherever a test file sits under tests/."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"  # the shipped content (only content tests should read it)
TEST_DATA = REPO / "tests" / "data"  # evaluation data copied into the repository
EVAL = TEST_DATA / "eval"
