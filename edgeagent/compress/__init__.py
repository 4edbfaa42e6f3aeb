"""Compression: GGUF export and quantization, distillation, pruning (heavy imports are lazy)."""
