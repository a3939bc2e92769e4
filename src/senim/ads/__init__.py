"""Online advertising: advertisers, campaigns, labels, targeting limits, sponsored posts, the ad repository."""
