"""Outputs: alerts and digests to e-mail, Slack and webhooks (through an outbox), feedback
themes filed into GitHub, Jira and Linear, approved replies and posts to the networks, and
exports of queries and insights. Nothing is imported at package import time.

Modules: :mod:`~earful.outputs.delivery` (``deliver_due``), :mod:`~earful.outputs.outbox`,
:mod:`~earful.outputs.trackers`, :mod:`~earful.outputs.publish`, :mod:`~earful.outputs.exports`.
"""
