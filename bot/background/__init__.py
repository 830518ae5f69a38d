"""Work in the background: the in-memory scheduler, the leadership that decides which replica
runs it, and the jobs it runs."""
