"""The pool lines editor: table model, view, delegates, undo, paste and the totals panel."""
