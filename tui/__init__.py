"""Qala's terminal app (Textual): the course map, lessons with a code editor, data, badges, settings."""
