"""Aftercare rules as plain functions over dicts: plans and their templates, tasks, referrals, follow-up
and the site settings; they decide the events each change causes."""
