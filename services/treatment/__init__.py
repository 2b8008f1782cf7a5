"""The treatment service: individualized treatment plans, signed session notes, discharge summaries."""
