"""MS3xx: no logged secrets. Credentials never reach logs, consoles or experiment trackers."""
