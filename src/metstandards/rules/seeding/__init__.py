"""MS1xx: reproducibility. Randomness in training and evaluation code is seeded."""
