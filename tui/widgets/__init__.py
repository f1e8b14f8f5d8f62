"""Small widgets and renderables the screens share: progress bars, a column chart, feedback text."""
