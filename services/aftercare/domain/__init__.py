"""Aftercare rules as plain functions over dicts: plan templates, tasks, referrals and follow-up."""
