"""`qala report --html`: the class report as one self-contained page (inline CSS and SVG charts,
no scripts, nothing fetched). Every text from the files is shown without control characters."""

from __future__ import annotations

import html
import math
from typing import Any

from ..i18n import Translator
from .report import ClassReport, shown
from .report_text import claims_note, kind_text, verdict_text

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d8dee4;padding-bottom:.3rem}
.muted{color:#57606a}table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{border:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums}.done{background:#dafbe1;text-align:center}.started{background:#fff8c5;text-align:center}
.none{color:#8c959f;text-align:center}.bad{color:#cf222e;font-weight:600}.ok{color:#1a7f37}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d8dee4;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def _bar_chart(rows: list[tuple[str, float, float]], title: str, legend: tuple[str, str], width: int = 760) -> str:
    """Horizontal bars: for each row a total (light) and a part of it (dark)."""
    if not rows:
        return ""
    label_w, bar_h, gap = 230, 16, 8
    top = 28
    height = top + len(rows) * (bar_h + gap) + 10
    largest = max(max(t for _, t, _ in rows), 1)
    scale = (width - label_w - 60) / largest
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    parts.append(f'<rect x="{label_w}" y="6" width="12" height="12" fill="#9ec5fe"/><text x="{label_w + 16}" y="16">{html.escape(legend[0])}</text>')
    parts.append(f'<rect x="{label_w + 200}" y="6" width="12" height="12" fill="#0a58ca"/><text x="{label_w + 216}" y="16">{html.escape(legend[1])}</text>')
    for i, (label, total, part) in enumerate(rows):
        y = top + i * (bar_h + gap)
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{html.escape(shown)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{total * scale:.1f}" height="{bar_h}" fill="#9ec5fe"><title>{html.escape(label)}: {_fmt(part)} / {_fmt(total)}</title></rect>'
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{part * scale:.1f}" height="{bar_h}" fill="#0a58ca"/>')
        parts.append(f'<text x="{label_w + total * scale + 6:.1f}" y="{y + 12}">{_fmt(part)} / {_fmt(total)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram(values: list[int], title: str, width: int = 760, height: int = 220) -> str:
    if not values:
        return ""
    bins = min(10, max(1, len(set(values))))
    low, high = min(values), max(values)
    step = max(1, math.ceil((high - low + 1) / bins))
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, (v - low) // step)] += 1
    left, bottom, top = 40, 40, 24
    bar_w = (width - left - 10) / bins
    tallest = max(counts)
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#57606a"/>')
    for i, count in enumerate(counts):
        h = (height - bottom - top) * count / tallest if tallest else 0
        x = left + i * bar_w
        start, end = low + i * step, low + (i + 1) * step - 1
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" fill="#1a7f37"><title>{start}–{end} XP: {count}</title></rect>'
        )
        if count:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom - h - 3:.1f}" text-anchor="middle">{count}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 15}" text-anchor="middle">{start}–{end}</text>')
    parts.append(f'<text x="{width / 2:.0f}" y="{height - 6}" text-anchor="middle">XP</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def render_html(report: ClassReport, tr: Translator) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, nothing fetched."""

    def e(text: Any) -> str:
        return html.escape(shown(text))

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(report.language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{e(tr.t('Class report: {course}', course=report.course_title))}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{e(tr.t('Class report: {course}', course=report.course_title))}</h1>",
        f'<p class="muted">{e(tr.t("Every attempt was run again with this copy of the course on {date}; nothing the files claim was trusted.", date=report.generated_at[:16].replace("T", " ")))}</p>',
        f'<p class="muted">{e(claims_note(tr))}</p>',
        '<div class="cards">',
    ]
    cards = [
        (len(report.learners), tr.t("learners")),
        (report.attempts, tr.t("attempts")),
        (report.runs, tr.t("programs regraded")),
        (len(report.disagreements), tr.t("disagreements")),
        (len(report.problems), tr.t("unreadable files")),
    ]
    out += [f'<div class="card"><b>{n}</b>{e(label)}</div>' for n, label in cards]
    out.append("</div>")

    total_ex = len(report.exercises)
    out.append(f"<h2>{e(tr.t('Who finished what'))}</h2>")
    if report.learners:
        out.append("<table><thead><tr>")
        out.append(f"<th>{e(tr.t('learner'))}</th><th>{e(tr.t('exercises passed'))}</th>")
        out += [f'<th title="{e(title)}">{e(lesson)}</th>' for lesson, title in report.lessons]
        out.append(
            f"<th>{e(tr.t('XP (regraded)'))}</th><th>{e(tr.t('XP claimed'))}</th><th>{e(tr.t('badges'))}</th><th>{e(tr.t('disagreements'))}</th></tr></thead><tbody>"
        )
        for learner in sorted(report.learners, key=lambda row: (-row.passed, row.name.lower())):
            out.append(f'<tr><td title="{e(learner.file)}">{e(learner.name)}</td><td class="n">{learner.passed}/{total_ex}</td>')
            for lesson, _ in report.lessons:
                state = learner.lessons.get(lesson, "")
                label = {"done": "✔", "started": "◐"}.get(state, "·")
                out.append(f'<td class="{state or "none"}">{label}</td>')
            claimed_class = "n" if learner.claimed_xp == learner.xp else "n bad"
            unearned = [b for b in learner.claimed_badges if b not in learner.badges]
            badges = e(", ".join(learner.badges)) + (
                f' <span class="bad">{e(tr.t("claimed but not earned: {badges}", badges=", ".join(unearned)))}</span>' if unearned else ""
            )
            if learner.badges_on_claims:
                badges += f' <span class="muted">{e(tr.t("resting on claims: {badges}", badges=", ".join(learner.badges_on_claims)))}</span>'
            if learner.solutions_seen:
                badges += f' <span class="muted">{e(tr.t("seen the solution: {exercises}", exercises=", ".join(learner.solutions_seen)))}</span>'
            flag = f'<td class="n bad">{learner.disagreements}</td>' if learner.disagreements else '<td class="n">0</td>'
            out.append(f'<td class="n">{learner.xp}</td><td class="{claimed_class}">{learner.claimed_xp}</td><td>{badges}</td>{flag}</tr>')
        out.append("</tbody></table>")

    out.append(f"<h2>{e(tr.t('Progress per exercise'))}</h2>")
    rows = [(f"{x.lesson}/{x.exercise}", float(x.attempted), float(x.passed)) for x in report.exercises if x.attempted]
    out.append(_bar_chart(rows, tr.t("Learners who passed, of those who tried"), (tr.t("tried"), tr.t("passed"))))

    out.append(f"<h2>{e(tr.t('Where the class struggles'))}</h2>")
    struggles = report.struggles()
    if struggles:
        out.append(
            _bar_chart(
                [(f"{x.lesson}/{x.exercise}", float(x.attempts), float(x.failed_attempts)) for x in struggles],
                tr.t("Failed attempts"),
                (tr.t("attempts"), tr.t("failed attempts")),
            )
        )
        out.append(
            f"<table><thead><tr><th>{e(tr.t('exercise'))}</th><th>{e(tr.t('passed / tried'))}</th><th>{e(tr.t('failed attempts'))}</th><th>{e(tr.t('most common failing check'))}</th><th>{e(tr.t('what it says'))}</th></tr></thead><tbody>"
        )
        for x in struggles:
            out.append(
                f'<tr><td>{e(x.lesson)}/{e(x.exercise)}<br><span class="muted">{e(x.title)}</span></td><td class="n">{x.passed}/{x.attempted}</td><td class="n">{x.failed_attempts}</td><td>{e(x.common_check)} ({x.common_count})</td><td>{e(x.common_message)}</td></tr>'
            )
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{e(tr.t('No failed attempts.'))}</p>")

    out.append(f"<h2>{e(tr.t('XP in the class'))}</h2>")
    out.append(_histogram([learner.xp for learner in report.learners], tr.t("XP in the class")))

    out.append(f"<h2>{e(tr.t('Attempts whose regrade disagrees with the file'))}</h2>")
    if report.disagreements:
        out.append(
            f"<table><thead><tr><th>{e(tr.t('learner'))}</th><th>{e(tr.t('attempt'))}</th><th>{e(tr.t('claimed'))}</th><th>{e(tr.t('regraded'))}</th><th>{e(tr.t('why'))}</th></tr></thead><tbody>"
        )
        for d in report.disagreements:
            regraded = f"{verdict_text(d.regraded_passed, tr)}, {d.regraded_xp} XP" if d.regraded_passed is not None else "—"
            why = kind_text(d.kind, tr) + (f" ({d.check}: {d.message})" if d.message else "")
            out.append(
                f'<tr><td title="{e(d.file)}">{e(d.learner)}</td><td>#{d.attempt} {e(d.lesson)}/{e(d.exercise)}<br><span class="muted">{e(tr.t("claimed time: {at}", at=d.at))}</span></td><td>{e(verdict_text(d.claimed_passed, tr))}, {d.claimed_xp} XP</td><td class="bad">{e(regraded)}</td><td>{e(why)}</td></tr>'
            )
        out.append("</tbody></table>")
    else:
        out.append(f'<p class="ok">{e(tr.t("Every regraded attempt agrees with what its file claims."))}</p>')

    if report.stopped:
        out.append(f"<h2>{e(tr.t('Files whose regrade was stopped'))}</h2><ul>")
        out += [f"<li><code>{e(f)}</code>: {e(reason)}</li>" for f, reason in report.stopped]
        out.append("</ul>")
    if report.problems:
        out.append(f"<h2>{e(tr.t('Files that could not be read'))}</h2><ul>")
        out += [f"<li><code>{e(f)}</code>: {e(err)}</li>" for f, err in report.problems]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
