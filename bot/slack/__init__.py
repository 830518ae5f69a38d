"""The Slack Web API side: the paced client, its outages, posting, channels, forms kept server
side, and reading what a message says. The domain never imports it."""
