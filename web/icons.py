"""The browser build's icons: small inline SVG drawings, so they draw on any computer.

Emoji need a colour emoji font, which many school computers (Linux without one) lack: there they
show as empty boxes. These icons are drawn with lines and shapes in `currentColor`, inline in the
page or the notebook output (nothing is fetched), and hidden from screen readers where the text
beside them already says what they mean. The course's badges name an emoji in course.toml; the
ones the bundled course uses have a drawing here, any other badge gets the medal.

Runs in the kernel too (the notebook's feedback uses it): standard library only.
"""

from __future__ import annotations

import html

#: Each icon's drawing on a 24×24 grid: outlines use the stroke, `F` marks a filled shape.
DRAWINGS: dict[str, str] = {
    # the page's and the feedback's own icons
    "star": '<path class="F" d="M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5L2.5 9.4l6.6-.9z"/>',
    "check": '<path d="M4 12.5l5 5L20 6.5" stroke-width="3"/>',
    "cross": '<path d="M6 6l12 12M18 6L6 18" stroke-width="3"/>',
    "circle": '<circle cx="12" cy="12" r="8"/>',
    "half": '<circle cx="12" cy="12" r="8"/><path class="F" d="M12 4a8 8 0 0 0 0 16z"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    "flame": '<path class="F" d="M12 2c.6 3.6 5.5 6 5.5 11.5a5.5 5.5 0 0 1-11 0c0-2.6 1.4-4.3 2.6-5.8.3 1.8.9 2.9 2 3.6.4-3.4.6-6.1.9-9.3z"/>',
    "medal": '<path d="M8 2l4 7 4-7"/><circle cx="12" cy="15" r="6"/><path class="F" d="M12 11.5l1 2.2 2.3.3-1.7 1.6.4 2.3-2-1.1-2 1.1.4-2.3-1.7-1.6 2.3-.3z"/>',
    "play": '<path class="F" d="M7 4.5l13 7.5-13 7.5z"/>',
    "folder": '<path d="M3 6.5h6l2 2.5h10v10.5H3z"/>',
    "map": '<path d="M3 6l6-2 6 2 6-2v14l-6 2-6-2-6 2z"/><path d="M9 4v14M15 6v14"/>',
    "book": '<path d="M12 7v13M3 5h6a3 3 0 0 1 3 3 3 3 0 0 1 3-3h6v13h-6a3 3 0 0 0-3 2 3 3 0 0 0-3-2H3z"/>',
    "warning": '<path class="F" d="M12 2.5l10 18H2z"/><path d="M12 9.5v5M12 17.5v.5" stroke="#fff"/>',
    "trophy": '<path d="M7 3h10v6a5 5 0 0 1-10 0zM7 5H3.5a3.5 3.5 0 0 0 4 4.5M17 5h3.5a3.5 3.5 0 0 1-4 4.5M12 14v4M8 21h8l-1-3H9z"/>',
    "level-up": '<circle cx="12" cy="12" r="9"/><path d="M12 17V7.5M7.5 12l4.5-4.5 4.5 4.5"/>',
    "bulb": '<path d="M9 18h6M10 21h4M12 3a6 6 0 0 0-3.6 10.8c.8.7 1.1 1.5 1.1 2.2h5c0-.7.3-1.5 1.1-2.2A6 6 0 0 0 12 3z"/>',
    "download": '<path d="M12 3.5v11M7 10l5 5 5-5M4.5 20h15"/>',
    "package": '<path d="M3 7.5l9-4.5 9 4.5v9l-9 4.5-9-4.5zM3 7.5l9 4.5 9-4.5M12 12v9"/>',
    # the bundled course's badges (course.toml names them by emoji)
    "sprout": '<path d="M12 21v-9M12 12c0-4-3-6-8-6 0 4 3 6 8 6zM12 14c0-4 3-6.5 8-6.5 0 4-3 6.5-8 6.5z"/>',
    "rocket": '<path d="M12 2.5c3.5 2.5 5 6.5 4 11.5H8c-1-5 .5-9 4-11.5zM8 14l-3 4h4M16 14l3 4h-4M10.5 18.5l1.5 3 1.5-3"/><circle cx="12" cy="9" r="1.8"/>',
    "target": '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="5"/><circle class="F" cx="12" cy="12" r="1.6"/>',
    "dumbbell": '<path d="M7 12h10M4 8v8M7 6.5v11M17 6.5v11M20 8v8"/>',
    "calendar": '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/><path class="F" d="M7.5 13h3v3h-3z"/>',
    "compass": '<circle cx="12" cy="12" r="9"/><path class="F" d="M15.5 8.5l-2 5-5 2 2-5z"/>',
    "footprints": '<path class="F" d="M7.5 3c1.8 0 2.7 2.2 2.4 5.2-.2 2-1 3.3-2.6 3.3S5 10 5 7.7C5 5 5.8 3 7.5 3zM5.6 13.5h3.8c0 2-.4 3.3-1.9 3.3s-1.9-1.3-1.9-3.3zM16.5 7c1.7 0 2.5 2 2.5 4.7 0 2.3-.8 3.8-2.4 3.8s-2.4-1.3-2.6-3.3c-.3-3 .7-5.2 2.5-5.2zM14.6 17.5h3.8c0 2-.4 3.3-1.9 3.3s-1.9-1.3-1.9-3.3z"/>',
    "wind": '<path d="M3 8.5h10.5a3 3 0 1 0-3-3M3 12.5h15a3 3 0 1 1-3 3M3 16.5h7"/>',
    "bus": '<rect x="4.5" y="3" width="15" height="15" rx="2.5"/><path d="M4.5 11.5h15M7 18v2.5M17 18v2.5"/><circle class="F" cx="8" cy="14.8" r="1.2"/><circle class="F" cx="16" cy="14.8" r="1.2"/>',
    "antenna": '<path d="M12 11l-4 10M12 11l4 10M9.5 17h5M8.5 7.5a5 5 0 0 1 7 0M6 5a8.5 8.5 0 0 1 12 0"/><circle class="F" cx="12" cy="10.5" r="1.6"/>',
    "building": '<path d="M3 9.5L12 4l9 5.5zM5 11v7M9.5 11v7M14.5 11v7M19 11v7M3 20.5h18"/>',
    "magnifier": '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5l5 5" stroke-width="3"/>',
    "chart": '<path d="M3.5 3.5v17h17"/><path class="F" d="M7 13h3v6H7zM12 8h3v11h-3zM17 11h3v8h-3z"/>',
}

#: The emoji the course and the feedback use, and the drawing that stands for each.
EMOJI: dict[str, str] = {
    "⭐": "star",
    "★": "star",
    "✔": "check",
    "✅": "check",
    "✘": "cross",
    "❌": "cross",
    "◐": "half",
    "○": "circle",
    "🔒": "lock",
    "🔥": "flame",
    "🏅": "medal",
    "▶": "play",
    "📂": "folder",
    "🗺": "map",
    "📘": "book",
    "⚠": "warning",
    "🎉": "trophy",
    "🏆": "trophy",
    "🚀": "rocket",
    "💡": "bulb",
    "⬇": "download",
    "📦": "package",
    "🌱": "sprout",
    "🎯": "target",
    "💪": "dumbbell",
    "📅": "calendar",
    "🧭": "compass",
    "👣": "footprints",
    "🌬": "wind",
    "🚌": "bus",
    "📡": "antenna",
    "🏛": "building",
    "📊": "chart",
    "🔎": "magnifier",
    "🔍": "magnifier",
}
FALLBACK = "medal"


def name_of(emoji_or_name: str) -> str:
    """The drawing for an emoji (variation selectors ignored) or a drawing's own name; else the medal."""
    if emoji_or_name in DRAWINGS:
        return emoji_or_name
    return EMOJI.get(emoji_or_name.replace("\ufe0f", "").strip(), FALLBACK)


def svg(emoji_or_name: str, label: str | None = None, size: str = "1.15em") -> str:
    """An icon as inline SVG. Decorative (hidden from screen readers) unless `label` names it."""
    name = name_of(emoji_or_name)
    drawing = DRAWINGS[name].replace(' class="F"', ' fill="currentColor" stroke="none"')
    if label:
        access = f'role="img" aria-label="{html.escape(label)}"'
    else:
        access = 'aria-hidden="true"'
    return (
        f'<svg class="qala-icon" data-icon="{name}" viewBox="0 0 24 24" width="{size}" height="{size}" fill="none" '
        f'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" focusable="false" '
        f'{access} style="vertical-align:-0.2em;flex:none">{drawing}</svg>'
    )


def all_svgs() -> dict[str, str]:
    """Every drawing as decorative SVG markup, by name (the landing page's script uses these)."""
    return {name: svg(name) for name in DRAWINGS}
