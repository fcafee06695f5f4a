"""The built-in rules, one module a rule, one package a family. Registered as entry points."""
