"""Receipts of form posts, so that a post sent twice (a double tap on a slow line, a retried
queue, two tabs) is saved once: the second answers what the first did."""
