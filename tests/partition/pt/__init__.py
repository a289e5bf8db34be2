"""The partition suite's harness (issue 21): network namespaces, real processes, a recorded history."""
