"""`solution("exercise")` in a lesson's notebook: refused (one line) until the last hint, then the
reference code as Markdown; it is kept with the progress and the exercise then gives no XP."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from pathlib import Path

import pytest

from qala.web import notebook
from qala.web.notebook import FolderStorage, Session

COURSE = Path(__file__).resolve().parents[1] / "tui" / "course"


@pytest.fixture
def opened(tmp_path):
    session = Session(course_root=COURSE, storage=FolderStorage(tmp_path / "idb"), work_home=tmp_path / "work")
    notebook.use_session(session)
    session.begin("monthly-air", "en")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own loop: a browser test may hold this thread's
        pool.submit(asyncio.run, session.open()).result()
    yield session
    notebook.use_session(Session())


def test_solution_after_the_last_hint_in_the_notebook(opened):
    # A notebook's cells run with the kernel's loop running; in a thread of its own, since a
    # browser test earlier in the run may still hold this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _in_a_notebook(opened)).result()


async def _in_a_notebook(opened):
    early = notebook.solution("january")
    assert "The solution is shown after the last hint" in early.text() and 'data-qala="message"' in early.html()
    total = opened.engine.lesson("monthly-air").exercise("january").hint_count
    views = [notebook.hint("january") for _ in range(total)]
    assert 'solution("january")' not in views[0].text() or total == 1
    assert 'That was the last hint. `solution("january")` shows the reference solution' in views[-1].text()
    shown = notebook.solution("january")
    assert "```python\npm25 = [52" in shown._repr_markdown_() and "january = pm25[0]" in shown.text()
    assert opened.engine.solution_seen("monthly-air", "january")
    assert opened.engine.progress().solutions_seen == (("monthly-air", "january"),)
    await asyncio.sleep(0.1)  # the progress is saved to the browser's storage soon after
    kept = json.loads(opened.progress_path.read_text(encoding="utf-8"))
    assert [(s["lesson"], s["exercise"]) for s in kept["solutions"]] == [("monthly-air", "january")]
