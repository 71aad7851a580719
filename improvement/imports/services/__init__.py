"""Writes for imports: one module per file kind, sharing the engine."""
