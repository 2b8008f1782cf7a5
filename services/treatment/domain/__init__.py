"""Treatment rules with no I/O: plans and their signatures and reviews, session notes, discharge summaries."""
