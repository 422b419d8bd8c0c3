"""The risk register's pages: the inventory (风险清单), one point with its assessments, the
forms that register, edit, assess and retire a point, and the thresholds."""
