"""MS4xx: configuration over constants. Hyperparameters, site paths and endpoints live in config."""
