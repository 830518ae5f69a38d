"""Block Kit rendering: pure functions from domain records to blocks, views and text."""
