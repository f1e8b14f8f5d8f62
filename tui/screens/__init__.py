"""The app's screens: course map, lesson, data, badges and profile, settings."""
