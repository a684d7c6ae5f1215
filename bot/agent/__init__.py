"""The answering agent: tools, offline planner and LLM mode."""
