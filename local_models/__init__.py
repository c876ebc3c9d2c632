"""On-device AI: model registry, llama.cpp runtime, intent recogniser, action ranker, reply drafts.

Knows nothing of desktop/, ui/ or sync/ (import-linter enforces it).
"""
