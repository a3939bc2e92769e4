"""Online advertising: advertisers, campaigns, labels, targeting limits, sponsored posts, the repository."""
