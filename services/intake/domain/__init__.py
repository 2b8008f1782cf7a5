"""Pure intake rules (patients, assessments, enrollments, referrals, the census) and the events
they decide on: no I/O, no framework imports, no clock reads."""
