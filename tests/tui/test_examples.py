"""Worked examples on the lesson screen: an editable code area at its place in the words, run in
the sandbox with F5 (or its Run button), its output and text charts shown, nothing graded."""

from __future__ import annotations

import asyncio

from textual.widgets import Button, Markdown

from qala.tui.widgets.editor import CodeEditor
from qala.tui.widgets.examples import ExampleBlock, Reading

EXAMPLE = """
A worked example, not checked:

```python example
from qala.grader.plot import bar_chart
seasons = ["winter", "summer"]
print("First:", seasons[0])
bar_chart(seasons, [48, 10], title="PM2.5 by season")
```

Now the exercises.
"""


def _with_example(course):
    path = course / "lessons" / "first-steps" / "monthly-air.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Exercise january:", EXAMPLE + "\n## Exercise january:", 1), encoding="utf-8")
    return course


async def _ran(pilot, block: ExampleBlock) -> str:
    for _ in range(600):
        await asyncio.sleep(0.05)
        await pilot.pause()
        if not block.running:
            return str(block.query_one(".example-output").render())
    raise AssertionError("the example did not finish")


async def test_an_example_runs_in_the_sandbox_with_its_output_and_chart_and_gives_no_xp(make_app, course):
    app = make_app(lesson="monthly-air", course_root=_with_example(course))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        # the words before the example, the example, the words after it: in that order
        assert "What you'll learn" in screen.query_one("#text", Markdown).source
        reading = screen.query_one("#more", Reading)
        [block] = reading.examples
        after = [w for w in reading.children if isinstance(w, Markdown)]
        assert "Now the exercises." in after[0].source and "Put January's value" in after[0].source
        assert block.code.startswith("from qala.grader.plot import bar_chart")
        # the learner edits it, then F5 in the example runs it (not the exercise's check)
        editor = block.query_one(CodeEditor)
        editor.focus()
        editor.replace('print("First:", seasons[1])\n', (2, 0), (3, 0))
        await pilot.press("f5")
        assert not screen.checking
        output = await _ran(pilot, block)
        assert "First: summer" in output
        assert "PM2.5 by season" in output and "█" in output  # the helper's text chart
        assert app.engine.attempts() == []
        assert app.engine.progress().xp == 0
        # its Run button runs it again; an error is one line in the learner's words
        editor.insert("\nprint(seasons[5])\n", editor.document.end)
        await pilot.click(block.query_one(Button))
        output = await _ran(pilot, block)
        assert "IndexError" in output and "Traceback" not in output
        assert app.engine.attempts() == []


async def test_a_hint_keeps_the_learners_edits_to_an_example(make_app, course):
    app = make_app(lesson="monthly-air", course_root=_with_example(course))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        [block] = screen.query_one("#more", Reading).examples
        block.query_one(CodeEditor).insert("# mine\n", (0, 0))
        screen.editor.focus()
        await pilot.press("f6")
        await pilot.pause()
        [same] = screen.query_one("#more", Reading).examples
        assert same is block and same.code.startswith("# mine\n")
        assert any("Your hints" in w.source for w in screen.query_one("#more", Reading).children if isinstance(w, Markdown))
