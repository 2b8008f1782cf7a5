"""Pure intake domain rules (assessments, referrals, enrollments): no I/O, no framework imports."""
