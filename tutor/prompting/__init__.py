"""Prompts as files, and the prompt engineering the tutor shows on itself: techniques, comparisons, the
prompt lab and its rubric."""
