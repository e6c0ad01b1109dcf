"""Feedback intelligence: themes, emerging-issue alerts and share of voice."""
